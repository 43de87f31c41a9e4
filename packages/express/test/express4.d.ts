// `express4` is an npm alias of express@4, installed so the contract suite also runs on Express 4;
// it has the same API as the `express` types describe.
declare module 'express4' {
  import express from 'express';
  export default express;
}
