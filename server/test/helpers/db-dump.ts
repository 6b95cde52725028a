import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../src/db/client.js';

/** Every row of every table in a schema, one line per row (`table: (row as text)`). */
export async function dumpSchema(db: Db, schema: string): Promise<string> {
  const tables = rowsOf<{ table_name: string }>(
    await db.execute(sql`select table_name from information_schema.tables where table_schema = ${schema} and table_type = 'BASE TABLE' order by table_name`),
  );
  if (tables.length === 0) throw new Error(`schema ${schema} has no tables`);
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const found = rowsOf<{ r: string }>(await db.execute(sql`select t::text as r from ${sql.identifier(schema)}.${sql.identifier(table_name)} t`));
    parts.push(...found.map((f) => `${table_name}: ${f.r}`));
  }
  return parts.join('\n');
}
