const { eventValue } = require('../../utils/event-value');

describe('eventValue', () => {
  test("a Vant field's detail is the value", () => {
    expect(eventValue({ detail: '整改到位' })).toBe('整改到位');
    expect(eventValue({ detail: 6.5 })).toBe(6.5);
  });

  test("a platform input's detail holds the value", () => {
    expect(eventValue({ detail: { value: '整改到位' } })).toBe('整改到位');
    expect(eventValue({ detail: { value: '' } })).toBe('');
  });

  test('an empty detail stays as it is', () => {
    expect(eventValue({ detail: '' })).toBe('');
    expect(eventValue({ detail: undefined })).toBeUndefined();
  });
});
