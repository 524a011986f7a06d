// `pfd retrieve`'s usage, apart from the command (which loads hnswlib's addon on use).
export const RETRIEVE_USAGE = `pfd retrieve --run DIR --query IMAGE_OR_ITEM_ID (--user U | --users U1,U2,...) [--as top|bottom] [--k 5]
              [--embedding code|pixels] [--rank nearest|compat] [--candidates 50] [--out FILE.png] [--json FILE] [--device cpu|cuda]
pfd retrieve --run DIR --evaluate [--n 200] [--k 5] [--candidates 50] [--out DIR] [--device cpu|cuda]`;
