/** Delta cursor state, carried whole in the opaque $skiptoken / $deltatoken (base64url JSON): the server keeps none. */
export interface DeltaState {
  /** mailbox id */
  mb: string;
  /** scope: folder id, or '*' for the whole mailbox */
  sc: string;
  /** mailbox cursor epoch (expire-delta bumps it) */
  ep: number;
  /** changes after this sequence number belong to the round */
  since: number;
  /** ... up to this one */
  upTo: number;
  /** last sequence number already paged through in this round */
  pos: number;
  /** items delivered in this round (a filtered delta stops at 5,000) */
  n: number;
  sel: string[] | null;
  exp: boolean;
  /** changeType filter, e.g. ['created'] */
  ct: string[] | null;
  /** receivedDateTime ge/gt filter: [op, epoch ms] */
  flt: [string, number] | null;
  /** page size from the first request's Prefer header */
  ps: number;
}

export function encodeToken(state: DeltaState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeToken(token: string): DeltaState | null {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as DeltaState;
    if (
      typeof v.mb !== 'string' ||
      typeof v.sc !== 'string' ||
      typeof v.since !== 'number' ||
      typeof v.pos !== 'number'
    )
      return null;
    return v;
  } catch {
    return null;
  }
}
