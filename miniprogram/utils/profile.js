/**
 * A person's own profile: checking the name and mobile number they type (the server checks the
 * same), and the avatar WeChat's chooseAvatar button gives, kept on the phone only (it is not
 * sent to the server: nobody else needs it).
 */
const AVATAR_KEY = 'avatar_path';
const NAME_MAX = 20;
const MOBILE_PATTERN = /^1\d{10}$/;

/** The Chinese problem with a name, or '' when it is fine. `required`: may it be empty? */
function nameProblem(name, required = true) {
  const text = String(name || '').trim();
  if (!text) return required ? '请填写姓名' : '';
  if (text.length > NAME_MAX) return `姓名最多 ${NAME_MAX} 个字`;
  return '';
}

/** The Chinese problem with a mobile number ('' for none: it is optional). */
function phoneProblem(phone) {
  const text = String(phone || '').trim();
  if (!text) return '';
  return MOBILE_PATTERN.test(text) ? '' : '请填写 11 位手机号码，或留空';
}

/** Keep the chosen avatar (a temporary file) in the mini-program's own folder; its path. */
function saveAvatar(tempPath) {
  if (!tempPath) return '';
  let path = tempPath;
  try {
    const target = `${wx.env.USER_DATA_PATH}/avatar-${Date.now()}`;
    wx.getFileSystemManager().copyFileSync(tempPath, target);
    path = target;
  } catch (err) {
    // Keep the temporary path: it shows until WeChat clears it.
  }
  wx.setStorageSync(AVATAR_KEY, path);
  return path;
}

/** The saved avatar's path, or ''. */
function savedAvatar() {
  try {
    return wx.getStorageSync(AVATAR_KEY) || '';
  } catch (err) {
    return '';
  }
}

module.exports = { AVATAR_KEY, nameProblem, phoneProblem, saveAvatar, savedAvatar };
