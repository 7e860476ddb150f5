/**
 * 巡查点与二维码 (checkpoint.manage): a school's checkpoints; a new one made on the spot with the
 * phone's position, a name, an allowed radius and its checklists; a new code for a lost sticker
 * (confirmed in red: the old code stops working); stopping or resuming one; and 打印二维码, the
 * A4 PDF of the school's codes opened in WeChat's viewer to print or send.
 */
const api = require('../../api/client');
const { schoolPage } = require('../../utils/school-page');
const {
  templateChoices, checkpointRow, validateCheckpoint,
} = require('../../utils/patrol-admin');
const { locateOrExplain } = require('../../utils/location');
const { alert, modal } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

const EMPTY_FORM = {
  open: false, name: '', radius: 30, templateCodes: [], position: null, positionText: '', errors: {}, saving: false,
};

Page({
  ...schoolPage(),

  data: {
    ...loadingState(),
    schools: [],
    schoolIndex: 0,
    rows: [],
    templates: [],
    form: EMPTY_FORM,
    printing: false,
  },

  /** The schools, then the first school's checkpoints. */
  onLoad() {
    return this.load();
  },

  // A change of school closes the form.
  resetOnSchoolChange: { form: EMPTY_FORM },

  /** The schools (once), then the chosen school's checkpoints and checklists. */
  async load() {
    try {
      const school = await this.chosenSchool();
      if (!school) return;
      const [list, checklists] = await Promise.all([
        api.call('checkpoints', { query: { school_id: school.id } }),
        api.call('checklists', { query: { school_id: school.id } }),
      ]);
      const templates = templateChoices(checklists);
      const rows = (list.checkpoints || []).map((c) => checkpointRow(c, templates));
      this.setData({ ...readyState(rows.length), rows, templates });
    } catch (err) {
      this.setData(errorState(err));
    }
  },

  /** 新建巡查点: the form, and the position where the phone stands now. */
  openForm() {
    const codes = this.data.templates.length === 1 ? [this.data.templates[0].code] : [];
    this.setData({ form: { ...EMPTY_FORM, open: true, templateCodes: codes, positionText: '正在定位…' } });
    return this.locate();
  },

  /** 取消. */
  closeForm() {
    this.setData({ form: EMPTY_FORM });
  },

  /** The phone's position, as the checkpoint's. */
  locate() {
    this.setData({ 'form.positionText': '正在定位…' });
    return locateOrExplain().then((result) => {
      const p = result.position;
      this.setData({
        'form.position': p || null,
        'form.positionText': p
          ? `已定位（精度约 ${Math.round(p.accuracy)} 米）。请站在巡查点处，精度差时到开阔处重新定位`
          : result.error.message.replace('隐患', '巡查点'),
      });
    });
  },

  /** The name field. */
  inputName(event) {
    this.setData({ 'form.name': event.detail });
  },

  /** The radius stepper. */
  changeRadius(event) {
    this.setData({ 'form.radius': Number(event.detail) });
  },

  /** The checklists ticked. */
  pickTemplates(event) {
    this.setData({ 'form.templateCodes': event.detail });
  },

  /** 保存: POST /checkpoints, then the list again. */
  async save() {
    const { form } = this.data;
    const check = validateCheckpoint({ schoolId: this.school().id, ...form });
    this.setData({ 'form.errors': check.errors });
    if (!check.ok) return;
    this.setData({ 'form.saving': true });
    try {
      await api.call('checkpointCreate', { body: check.body });
      wx.showToast({ title: '巡查点已建好', icon: 'success' });
      this.setData({ form: EMPTY_FORM });
      await this.load();
    } catch (err) {
      this.setData({ 'form.saving': false });
      await alert('没有建成', err.message);
    }
  },

  /** 更换二维码, confirmed in red: the printed code stops working at once. */
  async replaceToken(event) {
    const { id, name } = event.currentTarget.dataset;
    const answer = await modal({
      title: '更换二维码',
      content: `更换后“${name}”原来的二维码立即失效，需要打印新的二维码贴到原处。确定更换吗？`,
      confirmText: '更换',
      confirmColor: COLORS.danger,
    });
    if (!answer.confirm) return;
    try {
      await api.call('checkpointToken', { params: { id } });
      await alert('已更换', '请点“打印二维码”，把新的二维码贴到巡查点。');
    } catch (err) {
      await alert('没有更换成功', err.message);
    }
  },

  /** 停用 (confirmed in red) or 启用 a checkpoint. */
  async toggleActive(event) {
    const { id, name, active } = event.currentTarget.dataset;
    if (active) {
      const answer = await modal({
        title: '停用巡查点',
        content: `停用后“${name}”不能再扫码巡查，巡查计划也不再安排它。确定停用吗？`,
        confirmText: '停用',
        confirmColor: COLORS.danger,
      });
      if (!answer.confirm) return;
    }
    try {
      await api.call('checkpointUpdate', { params: { id }, body: { active: !active } });
      await this.load();
    } catch (err) {
      await alert('没有成功', err.message);
    }
  },

  /** 打印二维码: the school's A4 sheet, opened to print or forward. */
  async print() {
    this.setData({ printing: true });
    try {
      const filePath = await api.download('checkpointSheet', { query: { school_id: this.school().id } });
      this.setData({ printing: false });
      wx.openDocument({
        filePath,
        fileType: 'pdf',
        showMenu: true,
        fail: () => alert('无法打开', '手机无法打开这个 PDF 文件，请稍后再试'),
      });
    } catch (err) {
      this.setData({ printing: false });
      await alert('没有下载成功', err.message);
    }
  },
});
