import { describe, expect, test } from 'vitest';
import { compareInstanceIds } from './instance-rules.js';

describe('compareInstanceIds', () => {
  test('orders the numbered instances by number, not by text', () => {
    const ids = ['instance_10', 'instance_2', 'instance_32', 'instance_1', 'instance_3', 'instance_21'];
    expect([...ids].sort(compareInstanceIds)).toEqual(['instance_1', 'instance_2', 'instance_3', 'instance_10', 'instance_21', 'instance_32']);
  });

  test('orders other ids by text, digit runs by value wherever they are, longer numbers than any float', () => {
    const ids = ['b', 'a10b', 'a9c', 'a', 'a9b', 'remote-box_2', 'remote-box_12', 'n99999999999999999999', 'n100000000000000000000', 'x-1', 'x_1'];
    expect([...ids].sort(compareInstanceIds)).toEqual([
      'a', 'a9b', 'a9c', 'a10b', 'b', 'n99999999999999999999', 'n100000000000000000000', 'remote-box_2', 'remote-box_12', 'x-1', 'x_1',
    ]);
  });

  test('is a consistent order: antisymmetric, zero only for equal ids, equal numbers by text', () => {
    const ids = ['instance_1', 'instance_01', 'instance_001', 'instance_1a', 'instance_', 'instance', 'i'];
    for (const a of ids) {
      for (const b of ids) {
        expect(Math.sign(compareInstanceIds(a, b)) + Math.sign(compareInstanceIds(b, a))).toBe(0);
        expect(compareInstanceIds(a, b) === 0).toBe(a === b);
      }
    }
    expect([...ids].sort(compareInstanceIds)).toEqual(['i', 'instance', 'instance_', 'instance_001', 'instance_01', 'instance_1', 'instance_1a']);
  });
});
