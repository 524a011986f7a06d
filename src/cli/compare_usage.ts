// `pfd compare`'s usage line (apart from the command, which loads on use).
export const COMPARE_USAGE = `pfd compare --data DIR (--budget MINUTES | --iterations N) [--models designer,pix2pix,...] [--preset cpu|paper] [--config FILE.json] [--seed N] [--n N] --out DIR
              (every model trained alike into DIR/runs/MODEL, unfinished runs resumed; the report, with Fig. 4's votes, in DIR/report)`;
