/**
 * The states a page shows instead of its content: loading, an error with a retry button, or
 * empty. One look and one wording for every page; a page renders its content only when `state`
 * is '' (see utils/page-state.js for turning a failed request into these properties). Its 重试
 * is a plain button: the primary action of a screen stays the one in its action bar.
 *
 *   <page-state state="{{state}}" message="{{error}}" empty-text="还没有隐患" bind:retry="retry" />
 */
Component({
  properties: {
    /** 'loading' | 'error' | 'empty' | '' (content shown). */
    state: { type: String, value: '' },
    /** For 'error': what happened, in words a teacher understands. */
    message: { type: String, value: '' },
    loadingText: { type: String, value: '正在加载…' },
    emptyText: { type: String, value: '这里还没有内容' },
    /** For 'error': whether the failure was the network (changes the picture and the hint). */
    offline: { type: Boolean, value: false },
  },
  methods: {
    /** The user asked to try again: the page reloads. */
    onRetry() {
      this.triggerEvent('retry');
    },
  },
});
