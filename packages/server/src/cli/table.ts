// Aligned plain-text tables for CLI output: text columns left-aligned, numbers right-aligned.

/** A column: its header, how a row shows in it, and whether it is text (left-aligned). */
export interface Column<Row> {
  header: string
  cell: (row: Row) => string
  left?: true
}

/**
 * The lines of a table: the header, then one line per row, columns two spaces apart.
 * @example alignedTable([{ header: 'id', cell: (r) => r.id, left: true }], [{ id: 'sales:e1' }]) // ['id', 'sales:e1']
 */
export function alignedTable<Row>(columns: ReadonlyArray<Column<Row>>, rows: readonly Row[]): string[] {
  const cells = [columns.map((column) => column.header), ...rows.map((row) => columns.map((column) => column.cell(row)))]
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index]!.length)))
  return cells.map((line) =>
    line
      .map((cell, index) => (columns[index]!.left ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
      .join('  ')
      .trimEnd(),
  )
}
