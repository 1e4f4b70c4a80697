/** The value of a list (quicklist in Redis): owned by the lists work. (Placeholder until that family lands.) */
export class RedisList {}
