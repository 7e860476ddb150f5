/**
 * RFC 4122 version-4 UUIDs, for the client_uuid that makes a hazard report safe to send again.
 *
 * Randomness comes from wx.getRandomValues (a cryptographic source, base library 2.25.3+) when
 * present, else from Math.random. The server only needs the id to be unique per report, so the
 * fallback is good enough on old base libraries.
 */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function mathRandomBytes(length) {
  return Array.from({ length }, () => Math.floor(Math.random() * 256));
}

/** 16 random bytes as an array of numbers 0-255. */
function randomBytes(length = 16) {
  if (typeof wx === 'undefined' || typeof wx.getRandomValues !== 'function') {
    return Promise.resolve(mathRandomBytes(length));
  }
  return new Promise((resolve) => {
    try {
      wx.getRandomValues({
        length,
        success: (res) => {
          const bytes = res && res.randomValues ? Array.from(new Uint8Array(res.randomValues)) : [];
          resolve(bytes.length === length ? bytes : mathRandomBytes(length));
        },
        fail: () => resolve(mathRandomBytes(length)),
      });
    } catch (err) {
      resolve(mathRandomBytes(length));
    }
  });
}

/** 16 bytes -> "xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx" with the version and variant bits set. */
function formatUuid(bytes) {
  const b = bytes.slice(0, 16);
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // variant 10xx (RFC 4122)
  const hex = b.map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A promise of a new v4 UUID (lower case). */
function uuidV4() {
  return randomBytes(16).then(formatUuid);
}

const isUuid = (value) => UUID_PATTERN.test(String(value || ''));

module.exports = { UUID_PATTERN, formatUuid, uuidV4, isUuid, randomBytes };
