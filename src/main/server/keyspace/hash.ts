/** The value of a hash: owned by the hashes work. (Placeholder until that family lands.) */
export class RedisHash {}
