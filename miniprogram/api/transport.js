/**
 * Promise wrappers around wx.request, wx.downloadFile and wx.uploadFile.
 *
 * Each resolves with `{statusCode, data}` for any HTTP answer (errors included) and rejects with
 * `{network: true, errMsg}` when no answer came back; api/client.js decides what that means.
 */

function networkFailure(err) {
  return { network: true, errMsg: (err && err.errMsg) || 'request:fail' };
}

/** Parse a JSON text body (uploadFile and error downloads give text); other text stays as is. */
function parseBody(text) {
  if (typeof text !== 'string' || text === '') return text;
  try {
    return JSON.parse(text);
  } catch (err) {
    return text;
  }
}

function request({ url, method, header, data }) {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method,
      header,
      data,
      dataType: 'json',
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
      fail: (err) => reject(networkFailure(err)),
    });
  });
}

/** A failed download leaves the error body in the temp file: read it to get the error code. */
function readErrorBody(tempFilePath) {
  try {
    return parseBody(wx.getFileSystemManager().readFileSync(tempFilePath, 'utf8'));
  } catch (err) {
    return null;
  }
}

function download({ url, header }) {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url,
      header,
      success: (res) => {
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        resolve({
          statusCode: res.statusCode,
          data: ok ? res.tempFilePath : readErrorBody(res.tempFilePath),
        });
      },
      fail: (err) => reject(networkFailure(err)),
    });
  });
}

/** `onProgress({progress, sent, total})` follows uploadTask.onProgressUpdate (progress 0-100). */
function upload({ url, header, filePath, name, formData, onProgress }) {
  return new Promise((resolve, reject) => {
    const task = wx.uploadFile({
      url,
      header,
      filePath,
      name,
      formData,
      success: (res) => resolve({ statusCode: res.statusCode, data: parseBody(res.data) }),
      fail: (err) => reject(networkFailure(err)),
    });
    if (onProgress && task && typeof task.onProgressUpdate === 'function') {
      task.onProgressUpdate((p) => onProgress({
        progress: p.progress,
        sent: p.totalBytesSent,
        total: p.totalBytesExpectedToSend,
      }));
    }
  });
}

module.exports = { request, download, upload, parseBody };
