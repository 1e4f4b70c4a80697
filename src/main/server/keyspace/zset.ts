/** The value of a sorted set: owned by the sorted-sets work. (Placeholder until that family lands.) */
export class RedisZset {}
