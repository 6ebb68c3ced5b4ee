// Tables of the blobs domain: files kept in the database (the blob store on PostgreSQL), one row
// per blob and its content in chunks.

export interface BlobsTable {
  id: string;
  /** Null while the blob is being written (and for an upload abandoned half-way). */
  key: string | null;
  size: number;
  sha256: string | null;
  chunk_bytes: number;
  created_at: string;
}

export interface BlobChunksTable {
  blob_id: string;
  seq: number;
  data: Buffer;
}

export interface BlobsTables {
  blobs: BlobsTable;
  blob_chunks: BlobChunksTable;
}
