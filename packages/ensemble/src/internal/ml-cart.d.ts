// ml-cart 2.1 ships no types; this is the part the TreeRegressor adapter uses.
declare module 'ml-cart' {
  export class DecisionTreeRegression {
    predict(rows: number[][]): number[];
    toJSON(): { options: object; root: object; name: 'DTRegression' };
    static load(model: object): DecisionTreeRegression;
  }
}
