export const PACK_DIR: string;
export function packPlugin(options?: { build?: boolean; log?: (message: string) => void }): { file: string; files: string[]; size: number };
