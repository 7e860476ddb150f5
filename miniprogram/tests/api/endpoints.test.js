const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { ROOT } = require('../helpers/page');

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const KEYS = ['method', 'path', 'body', 'query', 'auth', 'idempotent', 'download', 'file'];

/** The table exactly as the server's contract test reads it: plain Node, no wx, JSON. */
function tableFromPlainNode() {
  const out = execFileSync(process.execPath, [
    '-e', "console.log(JSON.stringify(require('./api/endpoints.js')))",
  ], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out);
}

/** Every JS file the mini-program ships (not tests, scripts or dependencies). */
function sourceFiles(dir = ROOT) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', 'miniprogram_npm', 'tests', 'scripts', 'coverage'].includes(entry.name)
        ? []
        : sourceFiles(full);
    }
    return entry.name.endsWith('.js') && !entry.name.endsWith('.config.js') ? [full] : [];
  });
}

test('loads in plain Node as JSON-able data with well-formed entries', () => {
  const table = tableFromPlainNode();
  expect(table).toEqual(require('../../api/endpoints'));
  Object.entries(table).forEach(([name, entry]) => {
    expect(Object.keys(entry).filter((key) => !KEYS.includes(key))).toEqual([]);
    expect(METHODS).toContain(entry.method);
    expect(entry.path).toMatch(/^\/api\/v1\/[a-z0-9/_.{}-]+$/);
    if (entry.body) expect(entry.body.every((f) => typeof f === 'string')).toBe(true);
    if (entry.method === 'GET' || entry.method === 'DELETE') expect(entry.body).toBeUndefined();
    if (entry.query) expect(entry.method).toBe('GET');
    expect(name).toMatch(/^[a-z][A-Za-z]+$/);
  });
});

test('declares the API described for this release', () => {
  const table = require('../../api/endpoints');
  const summary = Object.fromEntries(Object.entries(table).map(([name, e]) => [name, `${e.method} ${e.path}`]));
  expect(summary).toEqual({
    login: 'POST /api/v1/auth/login',
    me: 'GET /api/v1/me',
    roles: 'GET /api/v1/roles',
    units: 'GET /api/v1/units',
    unit: 'GET /api/v1/units/{id}',
    unitClasses: 'GET /api/v1/units/{id}/classes',
    invitationCreate: 'POST /api/v1/invitations',
    invitations: 'GET /api/v1/invitations',
    invitationRevoke: 'DELETE /api/v1/invitations/{id}',
    invitationQr: 'GET /api/v1/invitations/{id}/qr.png',
    invitationRedeem: 'POST /api/v1/invitations/redeem',
    childBind: 'POST /api/v1/children',
    children: 'GET /api/v1/children',
    childUnbind: 'DELETE /api/v1/children/{id}',
    campaignActive: 'GET /api/v1/campaigns/active',
  });
  expect(table.invitationCreate.body).toEqual(['unit_id', 'role', 'class_id', 'max_uses', 'expires_in_hours']);
  expect(table.childBind.body).toEqual(['class_code', 'child_name', 'relation']);
});

test('the code calls exactly the endpoints in the table', () => {
  const table = require('../../api/endpoints');
  const used = new Set(['login']); // called by the client itself
  sourceFiles().forEach((file) => {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/api\.(?:call|download|upload)\(\s*'([A-Za-z]+)'/g)) used.add(match[1]);
  });
  expect([...used].sort()).toEqual(Object.keys(table).sort());
});
