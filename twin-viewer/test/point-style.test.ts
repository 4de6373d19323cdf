import type { Reading } from '@zenne/device-profiles';
import { describe, expect, it } from 'vitest';
import { NO_VALUE_COLOUR } from '../src/layers/air-quality/eaqi.ts';
import { pointStyle } from '../src/layers/air-quality/point-style.ts';

const reading = (value: number, quality: Reading['quality']): Reading => ({
  device: 'aq-1',
  quantity: 'pm2_5',
  value,
  unit: 'ug/m3',
  ts: '2026-11-23T12:00:00.000Z',
  seq: 1,
  quality,
  ...(quality === 'good' ? {} : { reasons: ['stuck_value' as const] }),
});

describe('sensor point style', () => {
  it('fills a good reading with its band colour', () => {
    const style = pointStyle(reading(62, 'good'));
    expect(style).toMatchObject({ colour: '#ff5050', fill: '#ff5050', fillAlpha: 1 });
  });

  it('draws a suspect reading as a ring in its band colour', () => {
    const style = pointStyle(reading(12, 'suspect'));
    expect(style.colour).toBe('#50ccaa');
    expect(style.outline).toBe('#50ccaa');
    expect(style.fillAlpha).toBeLessThan(0.5);
  });

  it('draws a bad reading as a grey ring and a sensor without a reading as a grey disc', () => {
    expect(pointStyle(reading(12, 'bad'))).toMatchObject({ colour: NO_VALUE_COLOUR, outline: NO_VALUE_COLOUR });
    expect(pointStyle(null)).toMatchObject({ colour: NO_VALUE_COLOUR, fillAlpha: 1 });
  });
});
