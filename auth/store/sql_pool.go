package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// pool is a connection pool with its prepared statements.
type pool struct {
	db *sql.DB
	// rebind adapts a query's placeholders to the database.
	rebind func(string) string
	// stmts caches a prepared statement per query text. Without it
	// SQLite parses every statement anew, which costs more than running
	// the small queries of a page view.
	stmts sync.Map
	// slots, if not nil, admits as many queries at once as the pool has
	// connections, in the order they arrive. database/sql (Go 1.26)
	// hands a freed connection to a random waiting goroutine, so under
	// load some requests waited many times longer than others. A channel
	// wakes its waiting senders first come, first served.
	slots chan struct{}
}

func newPool(db *sql.DB, rebind func(string) string) *pool {
	return &pool{db: db, rebind: rebind}
}

// admitInOrder makes queries wait for one of n slots, first come, first
// served. n must not exceed the pool's open connections, so a query that
// has a slot finds a free connection.
func (p *pool) admitInOrder(n int) {
	p.slots = make(chan struct{}, n)
}

// enter waits for a slot, unless the pool admits queries in any order.
func (p *pool) enter(ctx context.Context) error {
	if p.slots == nil {
		return nil
	}
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// leave gives back the slot that enter took.
func (p *pool) leave() {
	if p.slots != nil {
		<-p.slots
	}
}

// prepared returns the cached prepared statement for query, preparing it
// on first use.
func (p *pool) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := p.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := p.db.PrepareContext(ctx, p.rebind(query))
	if err != nil {
		return nil, err
	}
	if prev, loaded := p.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// queryRow runs a query that returns one row. The row holds its slot
// until it is scanned, so every caller must call Scan.
func (p *pool) queryRow(ctx context.Context, query string, args ...any) pooledRow {
	if err := p.enter(ctx); err != nil {
		return pooledRow{err: err}
	}
	st, err := p.prepared(ctx, query)
	if err != nil {
		// Running the query unprepared reports the same error through
		// the returned row.
		return pooledRow{row: p.db.QueryRowContext(ctx, p.rebind(query), args...), pool: p}
	}
	return pooledRow{row: st.QueryRowContext(ctx, args...), pool: p}
}

// query runs a query. The rows hold their slot until they are closed.
func (p *pool) query(ctx context.Context, query string, args ...any) (*pooledRows, error) {
	if err := p.enter(ctx); err != nil {
		return nil, err
	}
	st, err := p.prepared(ctx, query)
	if err != nil {
		p.leave()
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		p.leave()
		return nil, err
	}
	return &pooledRows{Rows: rows, pool: p}, nil
}

// close closes the cached statements and the pool's connections.
func (p *pool) close() error {
	var errs []error
	p.stmts.Range(func(_, v any) bool {
		errs = append(errs, v.(*sql.Stmt).Close())
		return true
	})
	errs = append(errs, p.db.Close())
	return errors.Join(errs...)
}

// pooledRow is a row that gives its slot back to the pool once scanned.
type pooledRow struct {
	row  *sql.Row
	pool *pool
	// err is the error that kept the query from running, such as a
	// cancelled context.
	err error
}

func (r pooledRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.pool.leave()
	return r.row.Scan(dest...)
}

// pooledRows are rows that give their slot back to the pool when closed.
type pooledRows struct {
	*sql.Rows
	pool   *pool
	closed bool
}

func (r *pooledRows) Close() error {
	err := r.Rows.Close()
	if !r.closed {
		r.closed = true
		r.pool.leave()
	}
	return err
}

// exec runs a statement that changes data.
func (s *sqlStore) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.writes.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// writeRow runs a statement that changes data and returns one row, such
// as an UPDATE with RETURNING.
func (s *sqlStore) writeRow(ctx context.Context, query string, args ...any) pooledRow {
	return s.writes.queryRow(ctx, query, args...)
}

// queryRow runs a query that only reads and returns one row.
func (s *sqlStore) queryRow(ctx context.Context, query string, args ...any) pooledRow {
	return s.reads.queryRow(ctx, query, args...)
}

// query runs a query that only reads.
func (s *sqlStore) query(ctx context.Context, query string, args ...any) (*pooledRows, error) {
	return s.reads.query(ctx, query, args...)
}
