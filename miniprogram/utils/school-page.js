/**
 * The glue of a page that works on one school at a time (巡查点与二维码, 巡查计划, 校车登记): the
 * schools the person works at (read once from /me), the one chosen in the picker, pull-down
 * refresh and the error state's 重试. Spread into the page: `Page({ ...schoolPage(), ... })`; the
 * page keeps `schools`, `schoolIndex` and `rows` in its data and defines `load()` (which starts
 * with `this.chosenSchool()`) and, where the form must close on a change, `resetOnSchoolChange`.
 */
const { schoolsFor } = require('./patrol-admin');
const { loadingState, readyState } = require('./page-state');

function schoolPage() {
  return {
    /** Pull down: load again. */
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh());
    },

    /** The error's 重试. */
    retry() {
      this.setData(loadingState());
      return this.load();
    },

    /** The school being worked on ({id, name}) or null. */
    school() {
      return this.data.schools[this.data.schoolIndex] || null;
    },

    /**
     * The person's schools, read once; the one `wantedId` names (a link's `?school_id=`) is
     * chosen when it is among them, else the first.
     */
    async ensureSchools(wantedId = null) {
      if (this.data.schools.length) return;
      const schools = await schoolsFor(await getApp().getMe());
      const wanted = schools.findIndex((s) => s.id === wantedId);
      this.setData({ schools, schoolIndex: wanted >= 0 ? wanted : 0 });
    },

    /**
     * The school to load (after reading the schools once), or null when the person works at
     * none: the page then shows its empty state.
     */
    async chosenSchool(wantedId = null) {
      await this.ensureSchools(wantedId);
      const school = this.school();
      if (!school) this.setData({ ...readyState(0), rows: [] });
      return school;
    },

    /** Another school from the picker: what the page shows of the last one goes, then load. */
    pickSchool(event) {
      this.setData({
        schoolIndex: Number(event.detail.value), ...(this.resetOnSchoolChange || {}), ...loadingState(),
      });
      return this.load();
    },
  };
}

module.exports = { schoolPage };
