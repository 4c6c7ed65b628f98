/** Ratios text2video accepts, per the provider's documentation. */
export const TEXT2VIDEO_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'] as const;

/** image2video also accepts a tall 9:21. */
export const IMAGE2VIDEO_RATIOS = [...TEXT2VIDEO_RATIOS, '9:21'] as const;

export const DEFAULT_ASPECT_RATIO = '16:9';

// 720p on the short side. (The fixture says 9:16 with width 1280 and height 720; it is kept
// verbatim for the fixture task, but new tasks get dimensions that match their ratio.)
const dimensions: Record<string, { width: number; height: number }> = {
  '16:9': { width: 1280, height: 720 },
  '9:16': { width: 720, height: 1280 },
  '1:1': { width: 960, height: 960 },
  '4:3': { width: 960, height: 720 },
  '3:4': { width: 720, height: 960 },
  '21:9': { width: 1680, height: 720 },
  '9:21': { width: 720, height: 1680 },
};

export function dimensionsOf(aspectRatio: string): { width: number; height: number } {
  return dimensions[aspectRatio] ?? { width: 1280, height: 720 };
}
