/**
 * A page that follows an outbox while it shows (待发送 counts, queued rows): its onShow keeps
 * `this.unsubscribe = this.unsubscribe || outbox.subscribe(...)`; this behaviour ends the
 * subscription when the page hides or unloads. Spread into the page: `Page({ ...followsOutbox(), ... })`.
 */
function followsOutbox() {
  return {
    /** Stop following the outbox. */
    onHide() {
      if (this.unsubscribe) this.unsubscribe();
      this.unsubscribe = null;
    },

    /** Leaving the page: as when hidden. */
    onUnload() {
      this.onHide();
    },
  };
}

module.exports = { followsOutbox };
