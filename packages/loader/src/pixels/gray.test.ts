import { describe, expect, it } from 'vitest';
import { toGray8 } from './gray.js';

describe('toGray8', () => {
  it('keeps gray, applies Rec. 601 luma to colour and composites alpha onto black', () => {
    expect([...toGray8([0, 77, 255], 3, 1, 255)]).toEqual([0, 77, 255]);
    expect([...toGray8([255, 0, 0, 0, 255, 0, 0, 0, 255, 90, 90, 90], 4, 3, 255)]).toEqual([76, 150, 29, 90]);
    expect([...toGray8([200, 200, 200, 255, 200, 200, 200, 0, 200, 200, 200, 51], 3, 4, 255)]).toEqual([200, 0, 40]);
    expect([...toGray8([100, 255, 100, 0], 2, 2, 255)]).toEqual([100, 0]);
  });
  it('keeps the high byte of 16-bit samples and scales low bit depths', () => {
    expect([...toGray8([0, 0x6464, 0xffff, 0x80ff], 4, 1, 65535)]).toEqual([0, 0x64, 0xff, 0x80]);
    expect([...toGray8([0, 1, 2, 3], 4, 1, 3)]).toEqual([0, 85, 170, 255]);
  });
});
