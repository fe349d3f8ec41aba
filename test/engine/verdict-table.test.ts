import { VerdictTable } from '../../src/engine/verdict-table';

// The NetworkPolicy verdict memo: it must answer exactly as a Map would, through growth and colliding keys.
describe('VerdictTable', () => {
  it('answers as a Map for many keys, overwrites, and unknown keys', () => {
    const table = new VerdictTable();
    const map = new Map<number, boolean>();
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 1);
    for (let i = 0; i < 50000; i++) {
      // Small keys collide in the low bits; large ones reach the 2^30 range the memo keys use.
      const key = i % 3 === 0 ? next() % 1024 : next() % 2 ** 30;
      const value = (next() & 1) === 1;
      table.set(key, value);
      map.set(key, value);
    }
    for (const [k, v] of map) expect(table.get(k)).toBe(v);
    for (let i = 0; i < 1000; i++) {
      const k = 2 ** 30 + i;
      expect(table.get(k)).toBe(map.get(k));
    }
    expect(table.get(0)).toBe(map.get(0));
  });
});
