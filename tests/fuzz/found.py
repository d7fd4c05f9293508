"""Every program the fuzzer found failing, kept once fixed: ``tests/test_fuzz.py`` runs them
all, on one process and under mpiexec. Add a shrunk program's ``to_json()`` here."""

FOUND = [
    # pd.concat of frames of one type (a UniTuple): numba's raw KeyError
    '{"seed": 1, "schema": ["k", "f"], "source": "arg", "path": "", '
    '"statements": ["v0 = pd.concat([df[df[\'k\'] > 1], df[df[\'k\'] <= 1]])"], "returns": "v0"}',
    '{"seed": 2, "schema": ["k", "s"], "source": "arg", "path": "", '
    '"statements": ["v0 = pd.concat([df.head(3), df])"], "returns": "v0"}',
    # a parquet file of nullable columns, and one of no rows: typed unlike pandas reads them
    '{"seed": 3, "schema": ["k", "n", "b"], "source": "parquet", "path": "", '
    '"statements": ["v0 = df[df[\'k\'] > 1]"], "returns": "v0"}',
    # cumulative group-wise methods of a nullable Int64 column: refused, though pandas answers
    '{"seed": 4, "schema": ["k", "s", "n"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.groupby(\'k\')[\'n\'].cumsum()", '
    '"v1 = df.groupby(\'s\')[[\'n\']].cummax()"], "returns": "v0, v1"}',
    # a kernel's refusal of the data (min of no integers) was a ValueError, not an HpjitError
    '{"seed": 5, "schema": ["k", "s"], "source": "parquet", "path": "", '
    '"statements": ["v0 = df[\'k\'].min()"], "returns": "v0"}',
    # to_numpy of a string column: numba's "Resolution failure" text as the message
    '{"seed": 6, "schema": ["k", "s"], "source": "arg", "path": "", '
    '"statements": ["v0 = df[\'s\'].to_numpy()"], "returns": "v0, df"}',
    # an int group-wise result where string keys can be missing: float64 (documented)
    '{"seed": 7, "schema": ["k", "s"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.groupby(\'s\', as_index=True)[\'k\'].cummax()"], "returns": "v0"}',
    # Series.nlargest() with its default n refused ("n must be an integer, got 5")
    '{"seed": 8, "schema": ["k", "f"], "source": "arg", "path": "", '
    '"statements": ["v0 = df[\'f\'].nlargest()", "v1 = df[\'k\'].nsmallest()"], '
    '"returns": "v0, v1"}',
    # a frame left with no columns boxed with RangeIndex columns (pandas: an empty str Index)
    '{"seed": 5025, "schema": ["k", "n", "d"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.groupby([\'k\', \'d\'])[[\'n\']].prod()", '
    '"v3 = v0.groupby(\'n\').cummax()"], "returns": "v3"}',
    # Series + Series with different indexes added by position: pandas aligns by label
    '{"seed": 7078, "schema": ["k"], "source": "arg", "path": "", '
    '"statements": ["v0 = pd.concat([df, df])", "v1 = v0[\'k\'].reset_index(drop=False)", '
    '"v2 = v0[\'k\'] + v1[\'k\']"], "returns": "v2"}',
    # head(n=2) under MPI: the keyword was dropped on the way to the distributed head (5 rows)
    '{"seed": 2, "schema": ["k", "f", "s"], "source": "parquet", "path": "", '
    '"statements": ["v0 = df.loc[(df[\'s\'] <= \'ab\'), [\'k\', \'f\']]", '
    '"v1 = v0.head(n=2)", "v2 = v0[\'f\'].head(n=3)"], "returns": "v1, v2"}',
    # a float column's NaN times an Int64 column: pandas makes the float column Float64 first
    # (NaN becomes missing); hpjit kept NaN as a present value
    '{"seed": 7016, "schema": ["f", "n"], "source": "arg", "path": "", '
    '"statements": ["df[\'c0\'] = df[\'f\'] * df[\'n\']"], "returns": "df"}',
    # an outer merge on a datetime key with NaT: pandas orders NaT first (hpjit put it last)
    '{"seed": 21058, "schema": ["t", "s"], "source": "arg", "path": "", '
    '"statements": ["v0 = df[[\'t\', \'s\']].merge(df, how=\'outer\', sort=False)"], '
    '"returns": "v0"}',
    # min/max of a bool Series answered a float (1.0 for pandas' np.True_)
    '{"seed": 30139, "schema": ["b"], "source": "arg", "path": "", '
    '"statements": ["v0 = df[\'b\'].min()", "v1 = df[\'b\'].max()"], "returns": "v0, v1"}',
    # a Timestamp field of NaT in a lambda answered the year of int64's least value (pandas:
    # NaN, so float64); now refused
    '{"seed": 30527, "schema": ["x", "t"], "source": "parquet", "path": "", '
    '"statements": ["v0 = df[\'t\'].map(lambda v: v.year)"], "returns": "v0"}',
    # Int64 0 / 0: pandas' nullable arithmetic makes a NaN it computes missing (hpjit kept NaN)
    '{"seed": 30049, "schema": ["n"], "source": "arg", "path": "", '
    '"statements": ["v1 = df[\'n\'] / df[\'n\']"], "returns": "v1"}',
    # the size of a selected Int64 column: pandas gives Int64 (hpjit gave int64)
    '{"seed": 40216, "schema": ["k", "f", "n"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.groupby([\'k\', \'f\'], sort=True, dropna=True)[\'n\'].size()"], '
    '"returns": "v0"}',
    # mask of a bool frame with an int other: pandas' object column once a row is replaced, hpjit's
    # int64; now refused
    '{"seed": 40057, "schema": ["f", "d"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.notna()", "v1 = v0.isna()", "v2 = v1.drop_duplicates()", '
    '"v3 = v2[[\'f\']] + 0", "v4 = v2.mask((v2 <= 0), other=0)"], '
    '"returns": "v3, v4"}',
    # a str method of a missing string in a lambda: pandas' AttributeError (hpjit answered)
    '{"seed": 40376, "schema": ["k", "x", "s"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.bfill()", "v4 = v0[\'s\'].map(lambda v: v.upper())"], '
    '"returns": "v4"}',
    # min of a group-wise int result that keys can leave missing: a float (documented)
    '{"seed": 40423, "schema": ["k", "d"], "source": "parquet", "path": "", '
    '"statements": ["v0 = df.groupby(\'d\', dropna=True)[[\'k\']].cummax()", '
    '"v2 = v0[\'k\'].min()", "v3 = v0[[\'k\']]"], '
    '"returns": "v2, v3"}',
    # apply(axis=1) beside a nullable column: pandas' object rows give object (documented)
    '{"seed": 40910, "schema": ["k", "f", "n"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.ffill()", "v1 = df.apply(lambda row: row.k * 2 + row.f, axis=1)"], '
    '"returns": "v0, v1"}',
    # a Series labelled by column names times a column: numba's raw size assertion, now refused
    '{"seed": 41282, "schema": ["n"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.count()", "v1 = v0 * df[\'n\']"], '
    '"returns": "v1"}',
    # grouping by a group-wise float result: a float index (documented)
    '{"seed": 41320, "schema": ["x", "t"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.groupby(\'t\')[[\'x\']].cumprod()", '
    '"v1 = v0.loc[(v0[\'x\'] != 97.0), \'x\']", "v2 = v0.groupby(\'x\').size()"], '
    '"returns": "v1, v2"}',
    # value_counts of an Int64 column: pandas counts in Int64 (hpjit gave int64)
    '{"seed": 41470, "schema": ["n"], "source": "arg", "path": "", '
    '"statements": ["v1 = df.sort_index(kind=\'stable\', na_position=\'last\')", '
    '"v2 = v1[\'n\'].value_counts(ascending=True)"], '
    '"returns": "v2"}',
    # pd.concat of a bool column with a float one: pandas' object column (hpjit gave float64), now
    # refused
    '{"seed": 60148, "schema": ["k", "b"], "source": "arg", "path": "", '
    '"statements": ["v0 = df[[\'k\', \'b\']] <= 1.5", "v2 = v0[[\'k\', \'b\']] - 1.5", '
    '"v3 = pd.concat([v0, v2])"], '
    '"returns": "v2, v3"}',
    # clip with lower > upper: pandas swaps the two bounds (hpjit clipped to upper)
    '{"seed": 51117, "schema": ["f"], "source": "arg", "path": "", '
    '"statements": ["v0 = df[\'f\'].clip(lower=4.25, upper=-3.75)"], '
    '"returns": "v0"}',
    # apply(axis=1) in a frame of number columns: pandas' row has their common dtype (float64
    # beside a float column)
    '{"seed": 51249, "schema": ["k", "x", "f"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.apply(lambda row: row.k * 2 + row.x, axis=1)"], '
    '"returns": "v0"}',
    # np.where over a documented float64 group-wise result (documented)
    '{"seed": 51035, "schema": ["k", "b", "t"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.groupby([\'b\', \'t\'], dropna=True)[[\'k\']].cumsum()", '
    '"v3 = np.where(v0[\'k\'] != 1.0, v0[\'k\'], df[\'b\'])"], '
    '"returns": "v3"}',
    # iloc of a missing position under MPI: pandas' IndexError ended the job, which the fuzzer took
    # for a raw error
    '{"seed": 70029, "schema": ["k"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.iloc[[0]]"], '
    '"returns": "v0"}',
    # transform('count') of an Int64 column: pandas gives Int64 (hpjit gave int64)
    '{"seed": 80243, "schema": ["k", "f", "b", "n", "d"], "source": "parquet", "path": "", '
    '"statements": ["v0 = df.groupby([\'k\', \'b\']).transform(\'count\')"], '
    '"returns": "v0"}',
    # groupby var summed squared deviations from the mean (two passes); pandas' Welford update
    # differs in the last bits, which a duplicated() of the variances then shows
    '{"seed": 92562, "schema": ["k", "f"], "source": "arg", "path": "", '
    '"statements": ["v1 = df.groupby(\'f\')[[\'k\']].var(ddof=1)", '
    '"v2 = v1.duplicated(subset=[\'k\'], keep=\'last\')"], "returns": "v1, v2"}',
    # median of a frame left with no columns: numba's typing error as the message
    '{"seed": 92612, "schema": ["k", "s"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.groupby([\'k\', \'s\']).first()", "v3 = v0.median()"], '
    '"returns": "v3"}',
    # int levels of a MultiIndex grouped by a documented float64 column (documented)
    '{"seed": 92720, "schema": ["k", "f", "b", "d"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.groupby([\'d\', \'k\'], sort=False)[[\'f\', \'b\']]'
    '.transform(\'count\')", "v1 = v0.groupby([\'b\', \'f\'], dropna=False).median()"], '
    '"returns": "v1"}',
    # quantile of an Int64 column: pandas' np.int64 when integral (documented)
    '{"seed": 91411, "schema": ["b", "n"], "source": "arg", "path": "", '
    '"statements": ["v3 = df[\'b\'].value_counts(normalize=False, dropna=True)", '
    '"v4 = df[\'n\'].quantile()"], "returns": "v3, v4"}',
    # pandas fails (IndexError) on a transform whose keys are all missing; hpjit answers
    '{"seed": 93188, "schema": ["f"], "source": "arg", "path": "", '
    '"statements": ["v2 = df.groupby(\'f\', as_index=True).transform(\'count\')"], '
    '"returns": "v2"}',
    # rank(method='min') of an Int64 column: pandas' UInt64 (hpjit gave Float64)
    '{"seed": 93307, "schema": ["t", "n"], "source": "arg", "path": "", '
    '"statements": ["v1 = df[\'n\'].rank(method=\'min\', na_option=\'keep\', pct=False)"], '
    '"returns": "v1"}',
    # df.min() of empty int columns beside an Int64 one: pandas' Float64 (its NaN), hpjit gave
    # Int64; now refused at run time as a Series' min of no integers is
    '{"seed": 94060, "schema": ["k", "x", "n"], "source": "parquet", "path": "", '
    '"statements": ["v1 = df.min()"], "returns": "v1"}',
    # group-wise shift(0): pandas copies the column, rows of no group too (hpjit gave NaN there)
    '{"seed": 95034, "schema": ["k", "n"], "source": "parquet", "path": "", '
    '"statements": ["v1 = df.groupby(\'n\').shift(periods=0)"], "returns": "v1"}',
    # transform('min') of a bool column where the keys can be missing: float64 (pandas: bool, or
    # object once a key is missing), now refused
    '{"seed": 97873, "schema": ["x", "b", "t"], "source": "arg", "path": "", '
    '"statements": ["v2 = df.reset_index()", '
    '"v3 = v2.groupby([\'t\', \'x\'], dropna=True).transform(\'min\')"], "returns": "v3"}',
    # groupby rolling of a frame labelled by a MultiIndex (its levels follow the keys in the result's
    # index; hpjit typed the labels as one int64 level and failed in numba)
    '{"seed": 101817, "schema": ["k", "s", "t", "n"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.groupby([\'s\', \'t\'], sort=False)[[\'n\', \'k\']].count()", "v1 = '
    'v0.groupby(\'n\')[\'k\'].rolling(1).count()"], "returns": "v1"}',
    # groupby rolling of a frame labelled by set_index of two string columns
    '{"seed": 102037, "schema": ["k", "x", "s", "d"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.set_index([\'d\', \'s\'])", "v2 = v0.groupby(\'x\')[\'k\'].rolling(3, '
    'min_periods=0).var()", "v3 = v0[\'x\'].expanding(min_periods=1).min()", "v4 = v0.any()"], '
    '"returns": "v2, v3, v4"}',
    # groupby rolling of a groupby result labelled by two keys
    '{"seed": 102429, "schema": ["k", "x", "b", "t", "n"], "source": "arg", "path": "", '
    '"statements": ["v1 = df.groupby(\'t\', sort=False, dropna=False).max()", "v2 = '
    'v1.groupby([\'k\', \'b\'])[[\'n\', \'x\']].aggregate(func=\'min\')", "v4 = '
    'v2.groupby(\'n\')[\'x\'].rolling(3).sum()"], "returns": "v4"}',
    # groupby rolling of a groupby result labelled by a string key, read from parquet
    '{"seed": 102506, "schema": ["k", "s", "n", "d"], "source": "parquet", "path": "", '
    '"statements": ["v0 = df.groupby(\'d\', dropna=True)[[\'k\', \'n\']].max()", "v1 = '
    'v0.groupby(\'n\')[\'k\'].rolling(3).sum()"], "returns": "v1"}',
    # group-wise rank of a datetime column where a key is missing: pandas ranks NaT there (its
    # quirk, set aside by as_documented)
    '{"seed": 102291, "schema": ["k", "b", "s", "t"], "source": "arg", "path": "", '
    '"statements": ["v1 = df.groupby([\'s\', \'b\'], sort=False)[[\'k\', '
    '\'t\']].rank(ascending=False)"], "returns": "v1"}',
    # Int64 minus a group-wise cummin of an int column whose keys can be missing: Float64
    # (documented: that cummin is float64)
    '{"seed": 102698, "schema": ["k", "f", "n"], "source": "arg", "path": "", "statements": '
    '["v0 = df.groupby(\'f\', as_index=True)[[\'k\', \'n\']].cummin()", "v1 = v0[\'n\'] - v0[\'k\']", '
    '"v2 = v0.groupby(\'k\', as_index=False)[[\'n\']].count()"], "returns": "v1, v2"}',
    # drop_duplicates(ignore_index=True) of an empty frame: pandas keeps its labels (set aside)
    '{"seed": 102730, "schema": ["k", "n", "d"], "source": "parquet", "path": "", '
    '"statements": ["v0 = df.groupby(\'d\', sort=True)[[\'n\', \'k\']].mean()", "v1 = '
    'v0.round(decimals=-1)", "v3 = v1.drop_duplicates(ignore_index=True)"], "returns": "v3"}',
    # groupby(sort=False) under MPI: it made the frame itself whole, so the returned frame
    # (distributed=) came back whole on every rank; now only its groupby runs on a gathered copy
    '{"seed": 105167, "schema": ["k", "n", "d"], "source": "arg", "path": "", "statements": '
    '["v0 = df.groupby(\'n\', sort=False, dropna=False)[[\'k\', \'d\']].size()"], "returns": "df, '
    'v0"}',
    # to_numpy of a group-wise diff of no rows: typed as rows (float64; documented)
    '{"seed": 113890, "schema": ["k", "t", "n"], "source": "arg", "path": "", "statements": '
    '["v0 = df.groupby(\'n\')[\'k\'].diff()", "v2 = v0.to_numpy()"], "returns": "v2"}',
    # pandas fails (ArrowIndexError) on a transform whose text keys are all missing; hpjit answers
    '{"seed": 115402, "schema": ["k", "s", "t"], "source": "parquet", "path": "", '
    '"statements": ["df[\'c1\'] = df[\'k\'] + 0.5", "v2 = df.groupby(\'s\', '
    'sort=True)[[\'c1\']].transform(\'min\')"], "returns": "v2"}',
    # pd.to_datetime of text not ISO (a string repeated): the parse raised inside a parallel
    # loop, which numba does not carry out whole (garbage or SystemError); now it reports and
    # raises after the loop
    '{"seed": 131884, "schema": ["k", "s", "t"], "source": "arg", "path": "", "statements": '
    '["v0 = df.iloc[1:3, [1]]", "v0.columns = [\'s_\']", "v0[\'c2\'] = v0[\'s_\'] * 2", '
    '"v3 = pd.to_datetime(v0[\'c2\'])"], "returns": "v3"}',
    # time bins: resample on a column (kept so CI runs resample under mpiexec too)
    '{"seed": 300730, "schema": ["k", "x", "f", "b", "t", "n", "d"], "source": "arg", '
    '"path": "", "statements": ["v0 = df.isin([0, 1])", "v1 = df.resample(\'h\', '
    'on=\'t\')[\'f\'].mean()"], "returns": "v0, v1"}',
    # time bins by pd.Grouper, a bin's first value in time order
    '{"seed": 302234, "schema": ["k", "f", "b", "t"], "source": "arg", "path": "", '
    '"statements": ["v0 = df.groupby(pd.Grouper(key=\'t\', freq=\'QS\'))[[\'k\']].first()"], '
    '"returns": "v0"}',
    # time bins of datetime labels (written by hand: resample of a Series labelled by time)
    '{"seed": 0, "schema": ["k", "x", "f", "t"], "source": "parquet", "path": "", '
    '"statements": ["v0 = df.set_index(\'t\')[\'x\'].resample(\'W\').sum()", '
    '"v1 = df.set_index(\'t\')[[\'f\']].resample(\'MS\').ohlc()"], "returns": "v0, v1"}',
    # str.extract by the Pike machine: optional groups
    '{"seed": 301227, "schema": ["k", "f", "t", "d"], "source": "arg", "path": "", '
    '"statements": ["df.columns = [\'k_\', \'f_\', \'t\', \'d_\']", '
    '"v1 = df[\'d_\'].str.extract(\'(\\\\\\\\s)?x(\\\\\\\\s)\')", '
    '"v2 = pd.DataFrame({\'rows\': [len(v1)], \'x\': [0.5]})"], "returns": "v1, v2"}',
    # a frame reduction of ohlc()'s MultiIndex columns: numba's message before (one clear error now)
    '{"seed": 181465, "schema": ["k", "x", "n"], "source": "arg", "path": "", "statements": '
    '["v2 = df.groupby(\'n\')[[\'k\', \'x\']].ohlc()", "v3 = v2.count()"], "returns": "v3"}',
]
