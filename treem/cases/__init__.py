"""Child protection cases: the procedure of Decree 56/2017/NĐ-CP as data, its clocks, sealed access."""
