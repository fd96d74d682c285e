import { GenerationalMap } from './generational-map';

test('a key written since the last rotation survives the next one; one untouched for two rotations is gone', () => {
  const m = new GenerationalMap<string, number>();
  expect(m.exchange('live', 1)).toBeUndefined();
  expect(m.exchange('gone', 1)).toBeUndefined();
  for (let v = 2; v < 6; v++) {
    m.rotate();
    expect(m.exchange('live', v)).toBe(v - 1); // back from the previous generation, with its value
  }
  expect(m.size).toBe(1);
  expect(m.exchange('gone', 9)).toBeUndefined();
});

test('a key moved from the previous generation is held once', () => {
  const m = new GenerationalMap<string, number>();
  m.exchange('a', 1);
  m.exchange('b', 1);
  m.rotate();
  expect(m.size).toBe(2);
  expect(m.exchange('a', 2)).toBe(1);
  expect(m.size).toBe(2);
  m.rotate(); // b was not touched for a whole generation
  expect(m.size).toBe(1);
  expect(m.exchange('a', 3)).toBe(2);
  expect(m.exchange('b', 3)).toBeUndefined();
});
