/**
 * Home: greets the user, lists their role grants and children, and shows the tiles their
 * capabilities allow (utils/tiles.js), the hazard tile with the number of reports waiting in the
 * outbox.
 */
const { tilesFor, TILES } = require('../../utils/tiles');
const { grantLabel } = require('../../utils/format');
const outbox = require('../../utils/outbox');

const tilesOf = (me) => tilesFor(me.capabilities, TILES, { outbox: outbox.count() });

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
    tiles: tilesOf(me),
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
    // The outbox may be sent while this page shows (at app show, when the network returns).
    this.unsubscribe = this.unsubscribe || outbox.subscribe(() => {
      if (this.me) this.setData({ tiles: tilesOf(this.me) });
    });
    this.load();
  },

  onHide() {
    if (this.unsubscribe) this.unsubscribe();
    this.unsubscribe = null;
  },

  onUnload() {
    this.onHide();
  },

  onPullDownRefresh() {
    this.load({ refresh: true }).then(() => wx.stopPullDownRefresh());
  },

  load({ refresh = false } = {}) {
    const app = getApp();
    return Promise.resolve(app.ready)
      .then(() => app.getMe({ refresh }))
      .then((me) => {
        this.me = me;
        this.setData({ loading: false, error: '', ...viewOf(me) });
      })
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
