/**
 * The water utils: names, rows and deadlines (utils/water.js), the map overlays, the copy kept per
 * unit; the form's checks, shape and body, a 422 on the fields and the schools one may choose
 * (utils/water-form.js); the coverage rows and periods (utils/water-coverage.js); what differs in
 * a round at a water point (utils/patrol-kinds.js).
 */
const { installWx, serve, apiError } = require('../helpers/wx');
const {
  point, POND, RIVER, due, COVERAGE, SCHOOL,
} = require('../helpers/water');
const { SCHOOL_A, CENTER, KINDER, grant } = require('../helpers/fixtures');
const { TOKEN_KEY } = require('../../utils/session');
const W = require('../../utils/water');
const F = require('../../utils/water-form');
const C = require('../../utils/water-coverage');
const K = require('../../utils/patrol-kinds');
const { COLORS } = require('../../utils/colors');

const NOW = new Date('2026-11-29T04:00:00Z');

describe('utils/water.js', () => {
  test('a due visit: the point, the school, the period as a tag and the last day of its window', () => {
    // Every date relative to NOW, not to the day the suite runs (the helpers' default).
    const row = W.dueRow(due(12, { opens_at: '2026-11-28T04:00:00Z', closes_at: '2026-11-30T16:00:00Z' }), NOW);
    expect(row).toEqual({
      id: 12,
      name: '沱河符离段',
      kindName: '河流',
      school: '城东第一小学',
      meta: '城东第一小学 · 河流',
      period: { text: '汛期', type: 'danger' },
      deadline: '11月30日前',
      url: '/pages/patrol/round?checkpoint_id=37',
    });
    // Opening within the next day: from when, until when.
    expect(W.dueRow(due(13, { opens_at: '2026-11-30T04:00:00Z', closes_at: '2026-12-03T04:00:00Z', period_name: '平时' }), NOW))
      .toMatchObject({ deadline: '11月30日起，12月3日前', period: { text: '平时', type: 'primary' } });
    expect(W.periodTag('暑假')).toEqual({ text: '暑假', type: 'warning' });
  });

  test('a window closing at midnight ends the day before', () => {
    expect(W.deadlineText('2026-12-01T00:00:00Z', NOW)).toBe('11月30日前');
    expect(W.deadlineText('2026-12-01T00:00:01Z', NOW)).toBe('12月1日前');
    expect(W.deadlineText('', NOW)).toBe('');
  });

  test('how long ago: 今天, 昨天, n天前, then the date', () => {
    expect(W.agoText('2026-11-29T01:00:00Z', NOW)).toBe('今天');
    expect(W.agoText('2026-11-28T01:00:00Z', NOW)).toBe('昨天');
    expect(W.agoText('2026-11-26T01:00:00Z', NOW)).toBe('3天前');
    expect(W.agoText('2026-09-01T01:00:00Z', NOW)).toBe('9月1日');
  });

  test('a point row: kind tag, what it lacks in words, the last visit, the next one', () => {
    const row = W.pointRow(point(7, {
      last_visit: { scanned_at: '2026-11-26T03:00:00Z', user: { id: 4, name: '张老师' }, failed: 2 },
      next_due: { slot_id: 12, opens_at: '2026-11-28T12:00:00Z', closes_at: '2026-12-04T12:00:00Z', status: 'open' },
    }), NOW);
    expect(row).toMatchObject({
      id: 7,
      name: '沱河符离段',
      kindName: '河流',
      kindType: 'primary',
      missing: '缺：护栏围挡、救生绳、救生杆',
      lastVisit: '3天前 张老师',
      neverVisited: false,
      failedText: '上次巡查 2 项不合格',
      mayManage: true,
    });
    expect(row.nextDue).toBe('下次巡查：12月4日前');
    const pond = W.pointRow(POND, NOW);
    expect(pond).toMatchObject({ missing: '', lastVisit: '从未巡查', neverVisited: true, nextDue: '', mayManage: false });
    // Without the server's list, the measures say what is missing.
    expect(W.missingOf({ measures: { warning_sign: true, barrier: true } })).toEqual(['救生圈', '救生绳', '救生杆']);
  });

  test("a point's detail: each measure present or not, the caretaker, its shape, the links", () => {
    const detail = W.pointDetail(RIVER, NOW);
    expect(detail.measures.map((m) => [m.label, m.present])).toEqual([
      ['警示标志', true], ['护栏围挡', false], ['救生圈', true], ['救生绳', false], ['救生杆', false],
    ]);
    expect(detail).toMatchObject({
      caretaker: '张村委 13800000000',
      radius: '岸线 2 个点，100 米以内',
      roundUrl: '/pages/patrol/round?checkpoint_id=37',
      editUrl: '/pages/water/edit?id=7',
      lat: 33.79,
      lng: 116.97,
    });
    expect(W.pointDetail(POND, NOW).radius).toBe('水域范围 3 个点，100 米以内');
  });

  test('the map: a marker per point, a line or polygon per shape, the colour from what it lacks', () => {
    const view = W.mapView([RIVER, POND, point(9, { position: null })]);
    expect(view.markers.map((m) => [m.id, m.title, m.latitude, m.longitude])).toEqual([
      [7, '沱河符离段', 33.79, 116.97], [8, '张庄大塘', 33.8, 116.98],
    ]);
    expect(view.polylines).toEqual([{ points: [{ latitude: 33.79, longitude: 116.97 }, { latitude: 33.791, longitude: 116.972 }], color: COLORS.warning, width: 4 }]);
    expect(view.polygons[0]).toMatchObject({ strokeColor: COLORS.primary, fillColor: `${COLORS.primary}33`, strokeWidth: 2 });
    expect(view.polygons[0].points).toHaveLength(3);
    expect(view.includePoints).toHaveLength(2);
    expect([view.latitude, view.longitude]).toEqual([33.79, 116.97]);
    // One chosen: centred on it, its callout always shown, its line bolder, no fitting.
    const chosen = W.mapView([RIVER, POND], 8);
    expect([chosen.latitude, chosen.longitude]).toEqual([33.8, 116.98]);
    expect(chosen.markers[1].callout.display).toBe('ALWAYS');
    expect(chosen.polygons[0].strokeWidth).toBe(4);
    expect(chosen.includePoints).toEqual([]);
  });

  describe('loading, with the copy kept per unit', () => {
    let wx;
    beforeEach(() => {
      wx = installWx();
      wx.storage.set(TOKEN_KEY, 'tok');
    });

    test("fresh: the due visits and the unit's points; offline: the copy of that unit only", async () => {
      const calls = serve(wx, {
        'GET /api/v1/water-points/due': { status: 200, body: { visits: [due(12)], count: 1 } },
        'GET /api/v1/water-points': { status: 200, body: { water_points: [RIVER] } },
      });
      const fresh = await W.loadWater(3);
      expect(fresh).toEqual({ value: { visits: [due(12)], points: [RIVER] }, savedAt: '' });
      expect(calls.find((c) => c.key === 'GET /api/v1/water-points').query).toEqual({ unit_id: '3' });
      serve(wx, { 'GET /api/v1/water-points/due': { network: true }, 'GET /api/v1/water-points': { network: true } });
      const kept = await W.loadWater(3);
      expect(kept.value.points).toEqual([RIVER]);
      expect(kept.savedAt).toBeGreaterThan(0);
      await expect(W.loadWater(5)).rejects.toMatchObject({ code: 'network_error' });
    }, 10000);

    test('a refusal is not hidden behind the copy', async () => {
      serve(wx, {
        'GET /api/v1/water-points/due': { status: 200, body: { visits: [], count: 0 } },
        'GET /api/v1/water-points': [{ status: 200, body: { water_points: [RIVER] } }, apiError(403, 'forbidden')],
      });
      await W.loadWater(3);
      await expect(W.loadWater(3)).rejects.toMatchObject({ code: 'forbidden' });
    });
  });
});

describe('utils/water-form.js', () => {
  const filled = () => ({
    ...F.emptyForm(['3']),
    name: ' 沱河符离段 ',
    kind: 'river',
    position: { lat: 33.79, lng: 116.97, accuracy: 8, coord_system: 'gcj02' },
  });

  test('an empty form says in Chinese what is missing', () => {
    const check = F.validateWater({ ...F.emptyForm(), caretakerPhone: 'abc', radius: 5 });
    expect(check.ok).toBe(false);
    expect(check.errors).toEqual({
      name: '请填写水域名称，例如“沱河符离段”',
      kind: '请选择水域类型',
      position: '请确定水域的位置：使用当前位置，或在地图上选',
      radius: '巡查范围须在 10 到 500 米之间',
      caretakerPhone: '电话只能填数字、+、- 和空格，最多 20 位',
      schools: '请至少选择一所相关学校',
    });
    expect(F.validateWater({ ...filled(), name: '河'.repeat(61), note: '注'.repeat(501), caretakerName: '名'.repeat(31) }).errors)
      .toEqual({ name: '名称最多 60 个字', note: '备注最多 500 个字', caretakerName: '看护人姓名最多 30 个字' });
  });

  test('the body: trimmed, measures all five, optional fields null, no shape', () => {
    const check = F.validateWater({ ...filled(), measures: { ...F.emptyForm().measures, life_buoy: true } });
    expect(check).toEqual({
      ok: true,
      errors: {},
      body: {
        name: '沱河符离段',
        kind: 'river',
        lat: 33.79,
        lng: 116.97,
        accuracy: 8,
        coord_system: 'gcj02',
        radius_m: 50,
        shape: null,
        measures: {
          warning_sign: false, barrier: false, life_buoy: true, rope: false, pole: false,
        },
        caretaker_name: null,
        caretaker_phone: null,
        note: null,
        school_ids: [3],
      },
    });
  });

  test('a shape walked vertex by vertex: a line needs 2, a polygon 3, at most 200', () => {
    let vertices = [];
    vertices = F.addVertex(vertices, { lat: 1, lng: 2, accuracy: 5 });
    expect(F.validateWater({ ...filled(), shapeType: 'LineString', vertices }).errors)
      .toEqual({ shape: '已打 1 个点，至少 2 个点才能连成岸线' });
    vertices = F.addVertex(vertices, { lat: 3, lng: 4 });
    const line = F.validateWater({ ...filled(), shapeType: 'LineString', vertices });
    expect(line.body.shape).toEqual({ type: 'LineString', coordinates: [[1, 2], [3, 4]] });
    expect(F.verticesText('Polygon', 2)).toBe('已打 2 个点，至少 3 个点才能围成水面');
    expect(F.verticesText('Polygon', 3)).toBe('已打 3 个点');
    expect(F.verticesText('', 3)).toBe('');
    // Back to a single point: the vertices are not sent.
    expect(F.validateWater({ ...filled(), shapeType: '', vertices }).body.shape).toBeNull();
    const full = Array.from({ length: 200 }, (_, i) => ({ lat: i, lng: i }));
    expect(F.addVertex(full, { lat: 1, lng: 1 })).toBe(full);
  });

  test('a point back into the form, and its map', () => {
    const form = F.formFrom(RIVER);
    expect(form).toMatchObject({
      name: '沱河符离段',
      kind: 'river',
      shapeType: 'LineString',
      vertices: [{ lat: 33.79, lng: 116.97 }, { lat: 33.791, lng: 116.972 }],
      radius: 100,
      caretakerName: '张村委',
      caretakerPhone: '13800000000',
      schoolIds: ['3'],
      note: '',
    });
    const map = F.formMap(form);
    expect(map.polylines).toHaveLength(1);
    expect(map.markers).toHaveLength(3); // the point and its two vertices
    expect(map.circles).toEqual([]);
    const single = F.formMap({ ...form, shapeType: '' });
    expect(single.circles[0]).toMatchObject({ radius: 100, latitude: 33.79 });
    expect(F.formMap(F.emptyForm())).toBeNull();
  });

  test("a 422's details go on their fields, in Chinese", () => {
    const err = { code: 'validation_error', details: { name: ['Too long'], school_ids: ['x'], lat: ['y'], unknown: ['z'] } };
    expect(F.waterErrorsFromApi(err)).toEqual({
      name: '名称须为 1-60 个字',
      schools: '请选择 1-20 所相关学校',
      position: '位置不正确，请重新定位',
    });
    expect(F.waterErrorsFromApi({ code: 'forbidden', details: { name: ['x'] } })).toEqual({});
  });

  describe('the schools one may choose', () => {
    let wx;
    beforeEach(() => {
      wx = installWx();
      wx.storage.set(TOKEN_KEY, 'tok');
    });

    test("a school's own people: their school, no call; a point's schools are kept", async () => {
      const calls = serve(wx, {});
      const me = { grants: [grant(1, 'water_patrol', '水域巡查员', SCHOOL_A)] };
      expect(await F.schoolChoices(me, [{ id: 5, name: '区直实验学校' }])).toEqual([
        { id: 3, name: '城东第一小学' }, { id: 5, name: '区直实验学校' },
      ]);
      expect(calls).toHaveLength(0);
    });

    test('above schools: the schools found below, level by level', async () => {
      const calls = serve(wx, { 'GET /api/v1/units': { status: 200, body: { units: [SCHOOL_A, KINDER] } } });
      const me = { grants: [grant(1, 'supervisor', '督导', CENTER)] };
      expect(await F.schoolChoices(me)).toEqual([{ id: 3, name: '城东第一小学' }, { id: 4, name: '城东幼儿园' }]);
      expect(calls[0].query).toEqual({ parent_id: '2' });
    });
  });
});

describe('utils/water-coverage.js', () => {
  test('periods: the last 30 or 90 days, or this year, up to today', () => {
    expect(C.periodRange('30', NOW)).toEqual({ from: '2026-10-31', to: '2026-11-29' });
    expect(C.periodRange('90', NOW)).toEqual({ from: '2026-09-01', to: '2026-11-29' });
    expect(C.periodRange('year', NOW)).toEqual({ from: '2026-01-01', to: '2026-11-29' });
    expect(C.DEFAULT_PERIOD).toBe('90');
  });

  test('the view: total, per school, per point, the missed visits with their windows', () => {
    const view = C.coverageView(COVERAGE, NOW);
    expect(view.period).toBe('9月1日 至 11月29日');
    expect(view.total).toMatchObject({
      name: '合计', figures: '应巡 10 · 按时 6 · 逾时 1 · 错过 2 · 未到期 1', percent: 78, rateText: '78%', level: 'fair',
    });
    expect(view.schools.map((r) => [r.name, r.rateText])).toEqual([[SCHOOL.name, '78%']]);
    expect(view.points.map((r) => [r.name, r.rateText, r.level])).toEqual([['沱河符离段', '100%', 'good'], ['张庄大塘', '50%', 'bad']]);
    expect(view.periods.map((r) => [r.name, r.rateText, r.period.type])).toEqual([['汛期', '80%', 'danger'], ['暑假', '75%', 'warning']]);
    expect(C.coverageView({ ...COVERAGE, periods: undefined }, NOW).periods).toEqual([]);
    expect(view.missed).toEqual([
      { id: 40, name: '张庄大塘', school: '城东第一小学', window: '7月1日 至 7月8日', period: { text: '汛期', type: 'danger' } },
      { id: 41, name: '张庄大塘', school: '城东第一小学', window: '8月1日 至 8月4日', period: { text: '暑假', type: 'warning' } },
    ]);
    expect(C.countsRow('x', '无', { due: 0, rate: null })).toMatchObject({ rateText: '无应巡', hasRate: false });
  });
});

describe('utils/patrol-kinds.js', () => {
  test('a water slot opens its round by checkpoint id; a place, a closed slot or no kind does not', () => {
    const slot = { status: 'open', checkpoint: { id: 37, name: '沱河', kind: 'water' } };
    expect(K.waterRoundUrl(slot)).toBe('/pages/patrol/round?checkpoint_id=37');
    expect(K.waterRoundUrl({ ...slot, status: 'done' })).toBe('');
    expect(K.waterRoundUrl({ ...slot, checkpoint: { id: 37, name: '沱河' } })).toBe('');
    expect(K.waterRoundUrl({ ...slot, checkpoint: { id: 5, kind: 'place' } })).toBe('');
  });

  test('refusals: too far from the water, with or without the figures; scan_required for any', () => {
    expect(K.kindRefusal({ code: 'too_far', details: { distance_m: 320.4, radius_m: 100 } }, 'water'))
      .toBe('离水域太远（距离约 320 米，需在 100 米内），请走到水边后再提交');
    expect(K.kindRefusal({ code: 'too_far', details: null }, 'water')).toBe('离水域太远，请走到水边后再提交');
    expect(K.kindRefusal({ code: 'too_far', details: { distance_m: 3, radius_m: 1 } }, 'place')).toBe('');
    expect(K.kindRefusal({ code: 'scan_required' })).toBe('这个巡查点要在现场扫描二维码才能巡查，请扫描贴在巡查点的二维码');
  });

  test('photos counted: a water visit on any answer, else only on fails', () => {
    const items = [{ answer: 'pass', photos: ['a'] }, { answer: 'fail', photos: ['b', 'c'] }, { answer: '', photos: [] }];
    expect(K.photoCount(items)).toBe(2);
    expect(K.photoCount(items, { water: true })).toBe(3);
  });
});
