/** Ratios text2video accepts, per the provider's documentation. */
export const TEXT2VIDEO_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9'] as const;

/** image2video also accepts a tall 9:21. */
export const IMAGE2VIDEO_RATIOS = [...TEXT2VIDEO_RATIOS, '9:21'] as const;

export const DEFAULT_ASPECT_RATIO = '16:9';
