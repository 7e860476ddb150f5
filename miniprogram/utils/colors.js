/**
 * The design tokens' colours for the places CSS cannot reach (wx.showModal's confirmColor, map
 * overlays). They must equal the variables in app.wxss; tests/design.test.js checks both.
 */
const COLORS = {
  primary: '#1a6fd8',
  success: '#0a7d3e',
  warning: '#b45309',
  danger: '#d4001a',
  neutral: '#646566',
  text: '#323233',
  textSecondary: '#646566',
};

module.exports = { COLORS };
