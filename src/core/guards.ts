/** Type guards for JSON that comes from outside (a stored row, a platform's request body). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
