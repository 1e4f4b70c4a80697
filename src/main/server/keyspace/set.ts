/** The value of a set: owned by the sets work. (Placeholder until that family lands.) */
export class RedisSet {}
