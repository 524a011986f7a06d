// Vector templates of the garments, in a 100x100 box (product-photo framing):
// an outline path per silhouette plus details (collars, seams, buttons,
// pockets) drawn over the fabric.
import type { Silhouette } from './attributes.js';

export interface GarmentTemplate {
  outline: string; // SVG path data
  details: (ink: string) => string; // SVG elements drawn over the fabric
}

const line = (d: string, ink: string, w = 0.8) => `<path d="${d}" fill="none" stroke="${ink}" stroke-width="${w}" stroke-linecap="round"/>`;

export const GARMENTS: Record<Silhouette, GarmentTemplate> = {
  tshirt: {
    outline: 'M36,14 L44,16 Q50,22 56,16 L64,14 L86,30 L78,42 L68,35 L68,88 L32,88 L32,35 L22,42 L14,30 Z',
    details: (ink) => line('M44,16 Q50,24 56,16', ink, 1.2),
  },
  tank: {
    outline: 'M38,10 L44,10 Q50,30 56,10 L62,10 L63,32 Q70,40 68,88 L32,88 Q30,40 37,32 Z',
    details: (ink) => line('M44,10 Q50,31 56,10', ink, 1),
  },
  longsleeve: {
    outline: 'M36,14 L44,16 Q50,22 56,16 L64,14 L80,24 L91,80 L82,83 L70,42 L68,88 L32,88 L30,42 L18,83 L9,80 L20,24 Z',
    details: (ink) => line('M44,16 Q50,23 56,16', ink, 1.2) + line('M84,76 L90,74', ink) + line('M16,76 L10,74', ink),
  },
  shirt: {
    outline: 'M35,13 L44,13 L50,22 L56,13 L65,13 L80,24 L90,80 L81,83 L70,42 L69,88 L31,88 L30,42 L19,83 L10,80 L20,24 Z',
    details: (ink) => line('M44,13 L47,24 L50,22 L53,24 L56,13', ink, 1) + line('M50,22 L50,88', ink, 0.7) +
      [32, 45, 58, 71, 82].map((y) => `<circle cx="52" cy="${y}" r="1.1" fill="${ink}"/>`).join(''),
  },
  jacket: {
    outline: 'M33,12 L44,12 L50,30 L56,12 L67,12 L84,22 L93,82 L83,85 L72,44 L72,90 L28,90 L28,44 L17,85 L7,82 L16,22 Z',
    details: (ink) => line('M44,12 L40,28 L50,46 L60,28 L56,12', ink, 1.2) + line('M50,46 L50,90', ink, 1.2) +
      line('M33,66 L43,66', ink, 1) + line('M57,66 L67,66', ink, 1) + `<circle cx="52.5" cy="58" r="1.3" fill="${ink}"/><circle cx="52.5" cy="72" r="1.3" fill="${ink}"/>`,
  },
  trousers: {
    outline: 'M31,8 L69,8 L73,92 L56,92 L50,32 L44,92 L27,92 Z',
    details: (ink) => line('M31,14 L69,14', ink, 1) + line('M50,14 L50,30', ink, 0.8) + line('M39,20 L38,90', ink, 0.5) + line('M61,20 L62,90', ink, 0.5),
  },
  jeans: {
    outline: 'M30,8 L70,8 L71,92 L55,92 L50,34 L45,92 L29,92 Z',
    details: (ink) => line('M30,14 L70,14', ink, 1.2) + line('M50,14 L50,32', ink, 1) + line('M33,16 Q38,26 45,17', ink, 0.8) +
      line('M67,16 Q62,26 55,17', ink, 0.8) + line('M31,85 L45,85', ink, 0.6) + line('M55,85 L70,85', ink, 0.6),
  },
  shorts: {
    outline: 'M27,22 L73,22 L78,68 L55,70 L50,44 L45,70 L22,68 Z',
    details: (ink) => line('M27,28 L73,28', ink, 1) + line('M50,28 L50,42', ink, 0.8) + line('M24,62 L45,64', ink, 0.6) + line('M55,64 L76,62', ink, 0.6),
  },
  skirt: {
    outline: 'M35,18 L65,18 L82,82 Q50,88 18,82 Z',
    details: (ink) => line('M35,24 L65,24', ink, 1) + line('M42,26 L36,80', ink, 0.5) + line('M58,26 L64,80', ink, 0.5) + line('M50,26 L50,84', ink, 0.5),
  },
};
