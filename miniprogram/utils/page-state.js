/**
 * Page data for the <page-state> component from a request's outcome, so every page words its
 * loading, error and empty states the same way.
 *
 *   this.setData(loadingState());
 *   api.call(...).then((res) => this.setData({ ...readyState(res.items.length), items }))
 *                .catch((err) => this.setData(errorState(err)));
 */

/** While the first answer is awaited. */
function loadingState() {
  return { state: 'loading', error: '', offline: false };
}

/** After an answer: 'empty' when it holds nothing to show, else '' (the content shows). */
function readyState(count = 1) {
  return { state: count > 0 ? '' : 'empty', error: '', offline: false };
}

/** After a failure: the Chinese message of the ApiError, and whether it was the network. */
function errorState(err) {
  const offline = Boolean(err && (err.isNetworkError || err.code === 'network_error'));
  const message = (err && err.message) || '加载失败，请稍后重试';
  return { state: 'error', error: message, offline };
}

module.exports = { loadingState, readyState, errorState };
