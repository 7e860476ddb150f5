/**
 * 校车登记 (bus.manage): a school's buses with their plate, operator, seats, trips, drivers and
 * document alerts; 新增校车 and a tap on a bus open the form; 更换二维码 gives a bus a new sticker
 * (confirmed in red: the old one stops working); 打印二维码 opens the A4 PDF of the school's
 * stickers in WeChat's viewer to print or forward.
 */
const api = require('../../api/client');
const { schoolPage } = require('../../utils/school-page');
const nav = require('../../utils/nav');
const { busRow, openPdf } = require('../../utils/buses');
const { alert, modal } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

Page({
  ...schoolPage(),

  data: {
    ...loadingState(),
    schools: [],
    schoolIndex: 0,
    rows: [],
    printable: false,
    printing: false,
  },

  /** `?school_id=` (from 今日校车) chooses the school. */
  onLoad(query = {}) {
    this.wantedId = Number(query.school_id) || null;
  },

  /** Each time it shows (back from the form): the buses as they are now. */
  onShow() {
    return this.load();
  },

  /** The schools (once), then the chosen school's buses. */
  async load() {
    try {
      const school = await this.chosenSchool(this.wantedId);
      if (!school) return;
      const res = await api.call('buses', { query: { unit_id: school.id } });
      const managed = this.data.schools.map((s) => s.id);
      const rows = (res.buses || []).map((bus) => busRow(bus, managed));
      // The sheet holds the stickers of the buses the school runs (not those it is served by).
      const printable = (res.buses || []).some((bus) => bus.school && bus.school.id === school.id && bus.active !== false);
      this.setData({ ...readyState(rows.length), rows, printable });
    } catch (err) {
      this.setData(errorState(err));
    }
  },

  /** 新增校车. */
  create() {
    nav.open(`/pages/bus/edit?school_id=${this.school().id}`);
  },

  /** A bus the caller keeps: its form. */
  edit(event) {
    const { id, manage } = event.currentTarget.dataset;
    if (!manage) {
      wx.showToast({ title: '这辆车由其他学校登记，请联系该校修改', icon: 'none' });
      return;
    }
    nav.open(`/pages/bus/edit?id=${id}`);
  },

  /** 更换二维码, confirmed in red: the sticker in the bus stops working at once. */
  async replaceToken(event) {
    const { id, plate } = event.currentTarget.dataset;
    const answer = await modal({
      title: '更换二维码',
      content: `更换后“${plate}”车内原来的二维码立即失效，需要打印新的二维码贴到车内。确定更换吗？`,
      confirmText: '更换',
      confirmColor: COLORS.danger,
    });
    if (!answer.confirm) return;
    try {
      await api.call('busToken', { params: { id } });
      await alert('已更换', '请点“打印二维码”，把新的二维码贴到车内原处。');
    } catch (err) {
      await alert('没有更换成功', err.message);
    }
  },

  /** 打印二维码: the school's sheet of bus stickers. */
  async print() {
    this.setData({ printing: true });
    try {
      const filePath = await api.download('busSheet', { query: { school_id: this.school().id } });
      this.setData({ printing: false });
      openPdf(filePath);
    } catch (err) {
      this.setData({ printing: false });
      const message = err.code === 'no_buses' ? '这所学校还没有在用的校车，没有二维码可以打印' : err.message;
      await alert('没有下载成功', message);
    }
  },
});
