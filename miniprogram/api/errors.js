/** ApiError: what every failed call rejects with; `message` is always Chinese text for people. */
const { messageFor, NETWORK_MESSAGE } = require('./messages');

class ApiError extends Error {
  /**
   * @param {object} info
   * @param {string} info.message  Chinese text to show.
   * @param {number} [info.status] HTTP status (0 for a network failure).
   * @param {string} [info.code]   The API's error code ('network_error' for a network failure).
   * @param {*} [info.details]     The API's `details` (for validation_error: {field: [messages]}).
   * @param {string} [info.serverMessage] The API's English message, for logs.
   */
  constructor({ message, status = 0, code = '', details = null, serverMessage = '' }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.serverMessage = serverMessage;
  }

  get isNetworkError() {
    return this.code === 'network_error';
  }
}

/** An ApiError from an HTTP response whose body may be the standard error shape. */
function fromResponse(statusCode, body) {
  const error = body && typeof body === 'object' && body.error && typeof body.error === 'object'
    ? body.error
    : {};
  const code = typeof error.code === 'string' ? error.code : '';
  return new ApiError({
    message: messageFor(code, statusCode, error.details),
    status: statusCode,
    code,
    details: error.details === undefined ? null : error.details,
    serverMessage: typeof error.message === 'string' ? error.message : '',
  });
}

/** An ApiError for a request that never got an HTTP answer. */
function networkError(errMsg) {
  return new ApiError({ message: NETWORK_MESSAGE, code: 'network_error', serverMessage: errMsg || '' });
}

module.exports = { ApiError, fromResponse, networkError };
