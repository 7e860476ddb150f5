/**
 * Home: greets the user, lists their role grants and children, and shows the tiles their
 * capabilities allow (utils/tiles.js).
 */
const { tilesFor } = require('../../utils/tiles');
const { grantLabel } = require('../../utils/format');

/** Page data for a /me answer. */
function viewOf(me) {
  const grants = me.grants || [];
  const children = me.children || [];
  const name = me.user && me.user.display_name;
  return {
    greeting: name ? `你好，${name}` : '你好',
    grants: grants.map((grant) => ({ id: grant.id, label: grantLabel(grant) })),
    children: children.map((child) => ({
      id: child.id,
      name: child.name,
      label: `${child.school.name} ${child.class.name} · ${child.relation_name}`,
    })),
    tiles: tilesFor(me.capabilities),
    empty: grants.length === 0 && children.length === 0,
  };
}

Page({
  data: {
    loading: true,
    error: '',
    greeting: '',
    grants: [],
    children: [],
    tiles: [],
    empty: false,
  },

  onShow() {
    this.load();
  },

  onPullDownRefresh() {
    this.load({ refresh: true }).then(() => wx.stopPullDownRefresh());
  },

  load({ refresh = false } = {}) {
    const app = getApp();
    return Promise.resolve(app.ready)
      .then(() => app.getMe({ refresh }))
      .then((me) => this.setData({ loading: false, error: '', ...viewOf(me) }))
      .catch((err) => this.setData({ loading: false, error: err.message }));
  },

  retry() {
    this.setData({ loading: true, error: '' });
    this.load({ refresh: true });
  },

  openTile(event) {
    wx.navigateTo({ url: event.currentTarget.dataset.url });
  },
});
