/**
 * Every endpoint the mini-program calls, declared once as plain data.
 *
 * The client (api/client.js) builds requests only from this table, and a contract test on the server
 * side loads this file with plain Node and checks each entry against the OpenAPI document, so keep it a
 * side-effect-free CommonJS module of plain data.
 *
 * Keys of an entry:
 *   method      HTTP method.
 *   path        OpenAPI-style path; `{name}` is filled from `params`.
 *   body        Names of the JSON request-body fields the client may send (omitted: no body).
 *   query       Names of the query parameters the client may send.
 *   auth        false for the one call made before there is a token (default: true).
 *   idempotent  true for a POST that is safe to repeat (GET, PUT and DELETE always are).
 *   download    true when the response is a file fetched with wx.downloadFile.
 */
module.exports = {
  login: { method: 'POST', path: '/api/v1/auth/login', body: ['code'], auth: false },
  me: { method: 'GET', path: '/api/v1/me' },

  roles: { method: 'GET', path: '/api/v1/roles' },

  units: { method: 'GET', path: '/api/v1/units', query: ['parent_id'] },
  unit: { method: 'GET', path: '/api/v1/units/{id}' },
  unitClasses: { method: 'GET', path: '/api/v1/units/{id}/classes' },

  invitationCreate: {
    method: 'POST',
    path: '/api/v1/invitations',
    body: ['unit_id', 'role', 'class_id', 'max_uses', 'expires_in_hours'],
  },
  invitations: { method: 'GET', path: '/api/v1/invitations', query: ['unit_id'] },
  invitationRevoke: { method: 'DELETE', path: '/api/v1/invitations/{id}' },
  invitationQr: { method: 'GET', path: '/api/v1/invitations/{id}/qr.png', download: true },
  invitationRedeem: { method: 'POST', path: '/api/v1/invitations/redeem', body: ['code'] },

  childBind: {
    method: 'POST',
    path: '/api/v1/children',
    body: ['class_code', 'child_name', 'relation'],
  },
  children: { method: 'GET', path: '/api/v1/children' },
  childUnbind: { method: 'DELETE', path: '/api/v1/children/{id}' },

  campaignActive: { method: 'GET', path: '/api/v1/campaigns/active' },
};
