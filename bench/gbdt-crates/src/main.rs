// Compare forust-ml and gbdt on the ADBench sets (../shared/datasets/adbench): the
// same seeded 30% to train, the rest to test, ROC AUC and time; forust-ml fitted
// twice to check that one seed gives one model. Same settings in both: 100 trees,
// learning rate 0.1, depth 4, log loss, one thread.
use std::time::Instant;
use rand::{seq::SliceRandom, SeedableRng};

fn auc(s: &[f64], y: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..s.len()).collect();
    idx.sort_by(|&a, &b| s[a].total_cmp(&s[b]));
    let mut ranks = vec![0.0; s.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && s[idx[j + 1]] == s[idx[i]] { j += 1; }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j { ranks[idx[k]] = r; }
        i = j + 1;
    }
    let pos = y.iter().filter(|&&v| v > 0.5).count() as f64;
    let neg = y.len() as f64 - pos;
    let sum: f64 = (0..s.len()).filter(|&k| y[k] > 0.5).map(|k| ranks[k]).sum();
    (sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

fn main() {
    for name in std::env::args().skip(1) {
        let text = std::fs::read_to_string(format!("../../../shared/datasets/adbench/{name}.csv")).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let d = header.len() - 1;
        let rows: Vec<Vec<f64>> = lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(7));
        let cut = rows.len() * 3 / 10;
        let (train, test) = order.split_at(cut);
        let rows_ref = &rows;
        let col = |ix: &[usize]| -> Vec<f64> { (0..d).flat_map(|j| ix.iter().map(move |&i| rows_ref[i][j])).collect() };
        let lab = |ix: &[usize]| -> Vec<f64> { ix.iter().map(|&i| rows_ref[i][d]).collect() };
        let (xtr, ytr, xte, yte) = (col(train), lab(train), col(test), lab(test));
        // forust
        let t = Instant::now();
        let mut b = forust_ml::GradientBooster::default().set_iterations(100).set_learning_rate(0.1).set_max_depth(4).set_seed(1).set_parallel(false);
        b.fit_unweighted(&forust_ml::Matrix::new(&xtr, train.len(), d), &ytr, None).unwrap();
        let p = b.predict(&forust_ml::Matrix::new(&xte, test.len(), d), false);
        let tf = t.elapsed().as_secs_f64();
        let p2 = {
            let mut b2 = forust_ml::GradientBooster::default().set_iterations(100).set_learning_rate(0.1).set_max_depth(4).set_seed(1).set_parallel(false);
            b2.fit_unweighted(&forust_ml::Matrix::new(&xtr, train.len(), d), &ytr, None).unwrap();
            b2.predict(&forust_ml::Matrix::new(&xte, test.len(), d), false)
        };
        let same = p == p2;
        // gbdt
        let t = Instant::now();
        let mut cfg = gbdt::config::Config::new();
        cfg.set_feature_size(d); cfg.set_max_depth(4); cfg.set_iterations(100); cfg.set_shrinkage(0.1);
        cfg.set_loss("LogLikelyhood"); cfg.set_min_leaf_size(1); cfg.set_training_optimization_level(2);
        let mut g = gbdt::gradient_boost::GBDT::new(&cfg);
        let mut dtr: Vec<gbdt::decision_tree::Data> = train.iter().map(|&i| gbdt::decision_tree::Data::new_training_data(rows[i][..d].iter().map(|&v| v as f32).collect(), 1.0, if rows[i][d] > 0.5 { 1.0 } else { -1.0 }, None)).collect();
        g.fit(&mut dtr);
        let dte: Vec<gbdt::decision_tree::Data> = test.iter().map(|&i| gbdt::decision_tree::Data::new_test_data(rows[i][..d].iter().map(|&v| v as f32).collect(), None)).collect();
        let q: Vec<f64> = g.predict(&dte).into_iter().map(|v| v as f64).collect();
        let tg = t.elapsed().as_secs_f64();
        println!("{name}: n={} d={d} forust auc {:.4} {:.2}s deterministic={same} | gbdt auc {:.4} {:.2}s", rows.len(), auc(&p, &yte), tf, auc(&q, &yte), tg);
    }
}
