/**
 * Class teachers (and the school's safety officer): the class roster and the parents' bindings
 * waiting for a decision. Approve or reject each waiting binding (a colleague may have decided it
 * already: the list reloads); add, rename and remove pupils; give a pupil's family a one-time
 * family code that binds them without waiting. The classes are those /me says the user keeps:
 * a class teacher's own class, or the classes of the schools where the user sees class codes.
 */
const api = require('../../api/client');
const { modal, alert, actionSheet } = require('../../utils/wxp');
const { COLORS } = require('../../utils/colors');
const { tagType } = require('../../utils/tone');
const { loadingState, readyState, errorState } = require('../../utils/page-state');

/** The classes a class teacher holds directly (their grants name them). */
function grantClasses(me) {
  return (me.grants || []).filter((g) => g.class).map((g) => ({ id: g.class.id, name: g.class.name }));
}

/** Schools the user holds a grant at without a class (a safety officer's). */
function grantSchools(me) {
  return (me.grants || []).filter((g) => !g.class && g.unit && ['school', 'kindergarten'].includes(g.unit.kind)).map((g) => g.unit);
}

/** A pupil of the roster: how many guardians are bound, how many wait. */
function pupilRow(pupil) {
  const parts = [`已绑定 ${pupil.guardians} 位家长`];
  if (pupil.waiting) parts.push(`${pupil.waiting} 位待确认`);
  return { id: pupil.id, name: pupil.name, label: parts.join('，') };
}

/** Who asks, as the teacher sees it: the parent's name, or that WeChat still reviews it;
 * bindings made before parents gave names have none. */
function applicant(binding) {
  if (binding.parent_name) return `申请人：${binding.parent_name}`;
  if (binding.parent_name_under_review) return '申请人姓名审核中';
  return '申请人未填写姓名';
}

/** A parent's binding waiting for the teacher, with its 待确认 tag (colour from utils/tone.js). */
function bindingRow(binding) {
  return {
    id: binding.id,
    title: `${binding.child.name} 的${binding.relation_name}`,
    label: applicant(binding),
    statusText: '待确认',
    statusType: tagType('binding', 'pending'),
  };
}

Page({
  data: {
    ...loadingState(), classes: [], classIndex: 0, className: '',
    pupils: [], bindings: [], newName: '', adding: false,
  },

  /** The classes first, then the first class's roster. */
  onLoad() {
    return this.loadClasses();
  },

  /** Pulled down: the roster and the waiting bindings again (or the classes, if none yet). */
  onPullDownRefresh() {
    const reload = this.data.classes.length ? this.load() : this.loadClasses();
    return reload.then(() => wx.stopPullDownRefresh());
  },

  /** 重试 after an error. */
  retry() {
    this.setData(loadingState());
    return this.data.classes.length ? this.load() : this.loadClasses();
  },

  /** The classes this user keeps: their own class, or the classes of their schools. */
  async loadClasses() {
    try {
      const me = await getApp().getMe();
      let classes = grantClasses(me);
      if (!classes.length) {
        const lists = await Promise.all(grantSchools(me).map((unit) => api.call('unitClasses', { params: { id: unit.id } })));
        classes = [].concat(...lists.map((res) => res.classes.filter((c) => c.class_code)));
      }
      if (!classes.length) {
        this.setData(readyState(0));
        return;
      }
      this.setData({ classes: classes.map((c) => ({ id: c.id, name: c.name })), classIndex: 0 });
      await this.load();
    } catch (err) {
      this.setData(errorState(err));
    }
  },

  /** Another class picked. */
  onClassChange(event) {
    this.setData({ classIndex: Number(event.detail.value) });
    return this.load();
  },

  /** The id of the class shown. */
  classId() {
    return this.data.classes[this.data.classIndex].id;
  },

  /** The class's roster and the bindings waiting for a decision. */
  load() {
    const params = { class_id: this.classId() };
    return Promise.all([api.call('classRoster', { params }), api.call('classBindings', { params })])
      .then(([roster, waiting]) => this.setData({
        ...readyState(1),
        className: roster.class.name,
        pupils: roster.pupils.map(pupilRow),
        bindings: waiting.bindings.map(bindingRow),
      }))
      .catch((err) => this.setData(errorState(err)));
  },

  /** 同意 / 拒绝 a binding (拒绝 asks first, in the danger colour); the list then reloads. */
  async decide(event) {
    const { id, verb } = event.currentTarget.dataset;
    const approve = verb === 'approve';
    if (!approve) {
      const answer = await modal({ title: '拒绝绑定', content: '拒绝后该家长不会收到班级通知。确定拒绝吗？', confirmText: '拒绝', confirmColor: COLORS.danger });
      if (!answer.confirm) return;
    }
    try {
      const params = { class_id: this.classId(), id };
      if (approve) await api.call('classBindingApprove', { params });
      else await api.call('classBindingReject', { params });
      wx.showToast({ title: approve ? '已同意' : '已拒绝', icon: 'success' });
    } catch (err) {
      await alert('没有处理', err.message);
    }
    await this.load();
  },

  /** The new pupil's name typed. */
  onNameChange(event) {
    this.setData({ newName: event.detail });
  },

  /** Add a pupil to the roster (2-20 characters). */
  async addPupil() {
    const name = String(this.data.newName || '').trim();
    if (Array.from(name).length < 2) {
      await alert('请输入学生姓名', '姓名为 2-20 个字');
      return;
    }
    this.setData({ adding: true });
    try {
      await api.call('classPupilAdd', { params: { class_id: this.classId() }, body: { name } });
      this.setData({ newName: '' });
      await this.load();
    } catch (err) {
      await alert('没有添加', err.message);
    } finally {
      this.setData({ adding: false });
    }
  },

  /** A pupil's actions: family code, rename, remove. */
  async pupilActions(event) {
    const { id, name } = event.currentTarget.dataset;
    const index = await actionSheet(['生成家庭码', '修改姓名', '移出名单']);
    const params = { class_id: this.classId(), id };
    try {
      if (index === 0) {
        const res = await api.call('classFamilyCode', { params });
        await alert(`${name}的家庭码`, `${res.code}\n请只告诉${name}的家长本人。一次有效，3 天内使用，新码生成后旧码作废。`);
      } else if (index === 1) {
        const answer = await modal({ title: '修改姓名', editable: true, placeholderText: name });
        const next = answer.content.trim();
        if (!answer.confirm || !next || next === name) return;
        await api.call('classPupilRename', { params, body: { name: next } });
        await this.load();
      } else if (index === 2) {
        const answer = await modal({ title: '移出名单', content: `将${name}移出班级名单，其家长的绑定也会解除。确定吗？`, confirmText: '移出', confirmColor: COLORS.danger });
        if (!answer.confirm) return;
        await api.call('classPupilRemove', { params });
        await this.load();
      }
    } catch (err) {
      await alert('操作没有完成', err.message);
    }
  },
});
