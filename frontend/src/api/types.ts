// Names for the shapes the UI uses, derived from the generated OpenAPI types by
// path (not by schema name), so a renamed schema on the back end does not
// matter but a changed field or parameter fails the type check.
import type { paths } from './schema';

type JsonOf<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;
type ProblemOf<R> = R extends { content: { 'application/problem+json': infer Body } } ? Body : never;

type Op<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];

type ResponseOf<P extends keyof paths, M extends keyof paths[P], S extends number> =
  Op<P, M> extends { responses: infer Rs } ? (S extends keyof Rs ? JsonOf<Rs[S]> : never) : never;

type ProblemResponseOf<P extends keyof paths, M extends keyof paths[P], S extends number> =
  Op<P, M> extends { responses: infer Rs } ? (S extends keyof Rs ? ProblemOf<Rs[S]> : never) : never;

type BodyOf<P extends keyof paths, M extends keyof paths[P]> =
  Op<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

/** Request headers of an operation, as the spec declares them. */
type HeadersOf<P extends keyof paths, M extends keyof paths[P]> =
  Op<P, M> extends { parameters: { header?: infer H } } ? NonNullable<H> : never;

/** Query parameters of an operation, as the spec declares them. */
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type ProductPage = ResponseOf<'/api/products', 'get', 200>;
export type Product = ProductPage['items'][number];
export type InventoryRow = ResponseOf<'/api/inventory', 'get', 200>[number];
export type LevelBody = BodyOf<'/api/products/{product_id}/inventory/{date}', 'put'>;
type RecordPath = '/api/products/{product_id}/inventory/{date}';
/** If-Match / If-None-Match of a record write. */
export type RecordWriteHeaders = HeadersOf<RecordPath, 'put'>;
/** The 412 answer to a record write whose precondition failed: the stored level and tag. */
export type RecordConflictBody = ProblemResponseOf<RecordPath, 'put', 412>;
export type ProductCreate = BodyOf<'/api/products', 'post'>;
export type ImportReport = ResponseOf<'/api/inventory/import', 'post', 200>;
export type ImportMode = NonNullable<QueryOf<'/api/inventory/import', 'post'>['mode']>;
export type Health = ResponseOf<'/api/health', 'get', 200>;

/** One page of the change history, newest first; `next_cursor` asks for the older ones. */
export type ChangePage = ResponseOf<'/api/changes', 'get', 200>;
/** One entry of the change history: who changed which record when, from what to what, and why. */
export type ChangeOut = ChangePage['items'][number];
export type ChangeCause = ChangeOut['cause'];
export type ImportUndone = ResponseOf<'/api/imports/{import_id}/undo', 'post', 200>;
/** The 409 answer to an undo: the records that changed since, with their levels now. */
export type UndoConflictBody = ProblemResponseOf<'/api/changes/{change_id}/undo', 'post', 409>;
export type UndoBlocker = NonNullable<UndoConflictBody['blocked']>[number];

/** One bad line of an import, as listed in the 422 problem details. */
export interface ImportLineError {
  line: number;
  message: string;
}

/** The part of a product the UI needs to show a chip or a series. The unit is unknown
 * (undefined) where only inventory rows, which carry no unit, have been seen. */
export interface ProductRef {
  product_id: number;
  product_name: string;
  unit?: string;
}
