const { installWx, serve, apiError } = require('../helpers/wx');
const { loadPage, stubApp, tapEvent } = require('../helpers/page');
const {
  BUREAU, CENTER, SCHOOL_A, KINDER, DIRECT_SCHOOL, grant, notice,
} = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');

let wx;
let page;
let calls;

const keyed = (key) => calls.filter((c) => c.key === key);
const counts = (reached, read, acknowledged) => ({
  reached, read, acknowledged, read_rate: reached ? read / reached : null, ack_rate: reached ? acknowledged / reached : null,
});
const COMPLETION = {
  1: {
    unit: BUREAU,
    totals: counts(7, 6, 3),
    breakdown: [{ kind: 'unit', id: CENTER.id, name: CENTER.name, ...counts(4, 3, 1) }, { kind: 'unit', id: DIRECT_SCHOOL.id, name: DIRECT_SCHOOL.name, ...counts(3, 3, 2) }],
  },
  3: {
    unit: SCHOOL_A,
    totals: counts(4, 3, 1),
    breakdown: [{ kind: 'class', id: 31, name: '一年级1班', ...counts(3, 3, 1) }, { kind: 'class', id: 32, name: '一年级2班', ...counts(1, 0, 0) }],
  },
};
const me = (grants, capabilities = ['notice.write']) => ({ user: { id: 1 }, grants, children: [], capabilities });

async function open(pagePath, options, grants, extra = {}) {
  calls = serve(wx, {
    'GET /api/v1/notices/21/completion': (req) => ({ status: 200, body: COMPLETION[req.query.unit_id || 1] }),
    ...extra,
  });
  page = loadPage(pagePath, { app: stubApp(me(grants)) });
  await page.onLoad(options);
}

beforeEach(() => {
  wx = installWx();
  wx.storage.set(TOKEN_KEY, 'tok');
});

describe('completion', () => {
  test('totals and breakdown with the rates as percentages; a unit row drills down', async () => {
    await open('pages/notices/completion', { id: '21', unit_id: '1' }, [grant(1, 'bureau_admin', '安全办管理员', BUREAU)]);
    expect(keyed('GET /api/v1/notices/21/completion')[0].query).toEqual({ unit_id: '1' });
    expect(page.data.totals).toMatchObject({
      reached: 7, read: 6, acknowledged: 3, readText: '85.7%', readPercent: 85.7, ackText: '42.9%', ackPercent: 42.9,
    });
    expect(page.data.rows.map((r) => [r.name, r.readText, r.ackText])).toEqual([['城东中心校', '75%', '25%'], ['区直实验学校', '100%', '66.7%']]);
    expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '埇桥区教体局' });

    page.openRow(tapEvent({ kind: 'unit', id: 2 }));
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/completion?id=21&unit_id=2' });
  });

  test('without unit_id the server picks the top of the scope', async () => {
    await open('pages/notices/completion', { id: '21' }, [grant(1, 'bureau_admin', '安全办管理员', BUREAU)]);
    expect(keyed('GET /api/v1/notices/21/completion')[0].query).toEqual({});
  });

  test('above the school, class rows show counts only', async () => {
    await open('pages/notices/completion', { id: '21', unit_id: '3' }, [grant(1, 'bureau_admin', '安全办管理员', BUREAU)]);
    expect(page.data.byClass).toBe(true);
    expect(page.data.rows.map((r) => r.canOpen)).toEqual([false, false]);
    page.openRow(tapEvent({ kind: 'class', id: 31 }));
    expect(wx.navigateTo).not.toHaveBeenCalled();
  });

  test('the school\'s staff open any class; a class teacher only theirs', async () => {
    await open('pages/notices/completion', { id: '21', unit_id: '3' }, [grant(4, 'school_admin', '学校安全负责人', SCHOOL_A)]);
    page.openRow(tapEvent({ kind: 'class', id: 31 }));
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/class?id=21&class_id=31' });

    wx.navigateTo.mockClear();
    await open('pages/notices/completion', { id: '21', unit_id: '3' }, [grant(5, 'class_teacher', '班主任', SCHOOL_A, { id: 32, name: '一年级2班' })]);
    expect(page.data.rows.map((r) => r.canOpen)).toEqual([false, true]);
    page.openRow(tapEvent({ kind: 'class', id: 31 }));
    page.openRow(tapEvent({ kind: 'class', id: 32 }));
    expect(wx.navigateTo.mock.calls).toEqual([[{ url: '/pages/notices/class?id=21&class_id=32' }]]);
  });

  test('a notice outside the scope says so', async () => {
    await open('pages/notices/completion', { id: '21', unit_id: '1' }, [], {
      'GET /api/v1/notices/21/completion': apiError(404, 'not_found'),
    });
    expect(page.data.error).toBe('这份通知不存在，或不在你的管理范围内');
  });
});

describe('issued list', () => {
  const WRITER = [grant(1, 'bureau_admin', '安全办管理员', BUREAU)];
  const ISSUED = { notices: [notice(22, { sent_at: null, unit: { id: 3, name: SCHOOL_A.name } }), notice(21)] };

  test('writers: a sent notice opens its completion at the issuing unit', async () => {
    await open('pages/notices/issued', {}, WRITER, { 'GET /api/v1/notices': { status: 200, body: ISSUED } });
    expect(page.data.rows.map((r) => [r.id, r.sent])).toEqual([[22, false], [21, true]]);
    await page.openNotice(tapEvent({ id: 21 }));
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/completion?id=21&unit_id=1' });
  });

  test('writers: a notice not sent yet is previewed, confirmed and sent from the list', async () => {
    await open('pages/notices/issued', {}, WRITER, {
      'GET /api/v1/notices': { status: 200, body: ISSUED },
      'GET /api/v1/notices/22/preview': { status: 200, body: { parents: 3, children: 3, classes: 1, pairs: 3 } },
      'POST /api/v1/notices/22/send': { status: 200, body: { notice: notice(22), reached: 3 } },
    });
    await Promise.all([page.openNotice(tapEvent({ id: 22 })), page.openNotice(tapEvent({ id: 22 }))]);
    expect(wx.showModal.mock.calls[0][0].content).toContain('将发送给 3 位家长（3 名学生）');
    expect(keyed('POST /api/v1/notices/22/send')).toHaveLength(1);
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/completion?id=22&unit_id=3' });
  });

  test('class teachers: the notices that reached their class, a chip per class, each opens the class page', async () => {
    const grants = [
      grant(5, 'class_teacher', '班主任', SCHOOL_A, { id: 31, name: '一年级1班' }),
      grant(6, 'class_teacher', '班主任', KINDER, { id: 41, name: '大班' }),
    ];
    await open('pages/notices/issued', { mode: 'class' }, grants, {
      'GET /api/v1/notices/for-class': (req) => ({ status: 200, body: { notices: req.query.class_id === '41' ? [notice(23)] : [notice(21)] } }),
    });
    expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '班级通知确认' });
    expect(keyed('GET /api/v1/notices/for-class')[0].query).toEqual({ class_id: '31' });
    expect(page.data.classes.map((c) => c.name)).toEqual(['一年级1班', '大班']);
    await page.openNotice(tapEvent({ id: 21 }));
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/notices/class?id=21&class_id=31' });

    await page.onClassChip(tapEvent({ index: 1 }));
    expect(page.data.rows.map((r) => r.id)).toEqual([23]);
    await page.openNotice(tapEvent({ id: 23 }));
    expect(wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/notices/class?id=23&class_id=41' });
    expect(keyed('GET /api/v1/notices')).toEqual([]);
  });

  describe('上级通知: notices from above, read-only, with the own unit\'s completion', () => {
    const SUPERVISOR = [grant(2, 'supervisor', '中心校/集团校督导', CENTER)];
    const RECEIVED = {
      notices: [
        notice(21, { own_unit: { id: CENTER.id, name: CENTER.name }, completion_unit_id: CENTER.id, totals: counts(4, 3, 1) }),
        notice(19, { title: '安全检查通报', own_unit: { id: CENTER.id, name: CENTER.name }, completion_unit_id: null, totals: null }),
      ],
    };

    test('the tab lists them with the own unit\'s counts; a tap opens the completion at that unit', async () => {
      await open('pages/notices/issued', {}, SUPERVISOR, {
        'GET /api/v1/notices': { status: 200, body: { notices: [] } },
        'GET /api/v1/notices/received': { status: 200, body: RECEIVED },
      });
      expect(keyed('GET /api/v1/notices/received')).toEqual([]); // not until the tab is chosen
      await page.onTab(tapEvent({ tab: 'received' }));
      expect(page.data.rows.map((r) => [r.id, r.from, r.ownUnit, r.rates && r.rates.ackText])).toEqual([
        [21, BUREAU.name, CENTER.name, '25%'],
        [19, BUREAU.name, CENTER.name, null],
      ]);
      page.openReceived(tapEvent({ key: page.data.rows[0].key }));
      expect(wx.navigateTo).toHaveBeenCalledWith({ url: `/pages/notices/completion?id=21&unit_id=${CENTER.id}` });
      // Counts not theirs: the text, read-only; no send, no completion.
      page.openReceived(tapEvent({ key: page.data.rows[1].key }));
      expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '安全检查通报', showCancel: false }));
      expect(wx.navigateTo).toHaveBeenCalledTimes(1);
      expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    });

    test('?mode=received opens on the tab; back to 本单位发布 lists the issued ones', async () => {
      await open('pages/notices/issued', { mode: 'received' }, SUPERVISOR, {
        'GET /api/v1/notices': { status: 200, body: ISSUED },
        'GET /api/v1/notices/received': { status: 200, body: { notices: [] } },
      });
      expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '上级通知' });
      expect(page.data).toMatchObject({ tab: 'received', rows: [], state: 'empty' });
      await page.onTab(tapEvent({ tab: 'issued' }));
      expect(page.data.rows.map((r) => r.id)).toEqual([22, 21]);
    });

    test('a failed load says so in Chinese', async () => {
      await open('pages/notices/issued', { mode: 'received' }, SUPERVISOR, {
        'GET /api/v1/notices/received': apiError(403, 'forbidden'),
      });
      expect(page.data.error).toBe('你没有权限发布或查看这份通知');
      expect(page.data.rows).toEqual([]);
    });
  });

  test('class mode without a class teacher grant lists nothing', async () => {
    await open('pages/notices/issued', { mode: 'class' }, WRITER, {});
    expect(page.data).toMatchObject({ state: 'empty', classes: [], rows: [] });
    expect(calls).toEqual([]);
  });
});
