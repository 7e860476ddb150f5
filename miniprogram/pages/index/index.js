/**
 * Home: greets the user, lists their role grants and children, and shows the tiles their
 * capabilities allow (utils/tiles.js): the hazard tile with the number of reports waiting in the
 * outbox, the messages tile with the unread count (refreshed each time the page shows), the
 * parents' notices tile for users with children or notices received before.
 */
const { tilesFor, TILES } = require('../../utils/tiles');
const { grantLabel } = require('../../utils/format');
const outbox = require('../../utils/outbox');
const unread = require('../../utils/unread');
const { hasReceived } = require('../../utils/notices');

const tilesOf = (me) => tilesFor(
  me.capabilities,
  TILES,
  { outbox: outbox.count(), unread: unread.count() },
  { parent: (me.children || []).length > 0 || hasReceived() },
);
const hasInbox = (me) => Boolean(me) && (me.capabilities || []).includes('inbox.view');

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
    // The outbox may be sent, and the unread count change, while this page shows.
    const retile = () => {
      if (this.me) this.setData({ tiles: tilesOf(this.me) });
    };
    this.unsubscribe = this.unsubscribe || outbox.subscribe(retile);
    this.unsubscribeUnread = this.unsubscribeUnread || unread.subscribe(retile);
    return this.load().then(() => (hasInbox(this.me) ? unread.refresh() : null));
  },

  onHide() {
    if (this.unsubscribe) this.unsubscribe();
    if (this.unsubscribeUnread) this.unsubscribeUnread();
    this.unsubscribe = null;
    this.unsubscribeUnread = null;
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
