// Tables owned by the storage layer itself.
export interface CounterTable {
  name: string;
  value: number;
}

export interface StoreTables {
  counter: CounterTable;
}
