/**
 * The bar fixed at the bottom of a page that holds its main action (verify and reject,
 * acknowledge, submit): one primary button, at most one secondary beside it, always in reach of
 * the thumb. The page adds the `with-action-bar` class to its root so content is not hidden.
 *
 *   <action-bar note="{{hint}}"><van-button type="primary" block>提交</van-button></action-bar>
 */
Component({
  options: { multipleSlots: false },
  properties: {
    /** A short line above the buttons (why the action is disabled, what happens next). */
    note: { type: String, value: '' },
  },
});
