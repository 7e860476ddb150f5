/** The API token, kept in WeChat storage so it survives restarts of the mini-program. */
const TOKEN_KEY = 'auth_token';

function getToken() {
  try {
    return wx.getStorageSync(TOKEN_KEY) || '';
  } catch (err) {
    return '';
  }
}

function setToken(token) {
  wx.setStorageSync(TOKEN_KEY, token);
}

function clearToken() {
  try {
    wx.removeStorageSync(TOKEN_KEY);
  } catch (err) {
    // Nothing stored, nothing to clear.
  }
}

module.exports = { TOKEN_KEY, getToken, setToken, clearToken };
