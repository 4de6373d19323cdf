import type { Quantity, Reading } from '@zenne/device-profiles/contracts';
import { t, type MessageKey } from '../i18n/i18n.ts';

/** The quantities the viewer names on screen: those with a `quantity.<id>` key in the catalogues. */
export type NamedQuantity = Extract<Quantity, QuantityOfKey<MessageKey>>;
type QuantityOfKey<K> = K extends `quantity.${infer Q}` ? Q : never;

export function quantityLabel(quantity: NamedQuantity): string {
  return t(`quantity.${quantity}`);
}

/** "good", or the quality with its reasons: "suspect: implausible jump". */
export function qualityText(reading: Reading): string {
  const quality = t(`quality.${reading.quality}`);
  if (reading.quality === 'good') return quality;
  return t('quality.with-reasons', { quality, reasons: (reading.reasons ?? []).map((r) => t(`reason.${r}`)).join(', ') });
}
