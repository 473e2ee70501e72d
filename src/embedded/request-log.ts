export interface RequestRecord {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  userAgent: string;
  fieldManager?: string;
  code: number;
}

/** The last N API requests (a ring buffer): enough to derive which verbs a client really uses. */
export class RequestLog {
  private readonly records: RequestRecord[] = [];
  private next = 0;
  private readonly capacity: number;

  constructor(capacity = 10_000) {
    this.capacity = capacity;
  }

  add(record: RequestRecord): void {
    if (this.records.length < this.capacity) this.records.push(record);
    else {
      this.records[this.next] = record;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  /** Oldest first. */
  snapshot(): readonly RequestRecord[] {
    return [...this.records.slice(this.next), ...this.records.slice(0, this.next)];
  }
}
