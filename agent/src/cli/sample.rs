//! `ledgerlens sample plan | select | evaluate`: audit sampling of the rows
//! the scoring did not flag (`sampling/`). Plan a size, draw the sample
//! into a workbook the auditor fills in, evaluate it once audited.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::model_args::ModelArgs;
use super::outputs::{cannot_write_to, chosen_output};
use crate::error::Error;
use crate::files::Pending;
use crate::i18n::{pick, Lang, Text};
use crate::ingest::{self, IngestOptions};
use crate::pipeline::{self, Source};
use crate::sampling::evaluate;
use crate::sampling::plan::{self, PlanParams};
use crate::sampling::sheet::{self, Parameters, SampleRow};
use crate::sampling::{self, DrawParams};
use crate::vocabulary::{Band, Estimator, Likelihood, SelectionMethod};

#[derive(Subcommand, Debug)]
pub enum SampleCommand {
    /// 표본 크기 계획 (포아송·이항) / Plan a sample size (Poisson or binomial).
    Plan(PlanArgs),
    /// 플래그되지 않은 행에서 표본을 뽑아 감사용 통합문서로 저장 / Draw a sample from the rows not flagged into a workbook to audit.
    Select(SelectArgs),
    /// 감사 금액을 채운 표본 평가 (스트링거 상한, 차이·직접 추정) / Evaluate an audited sample (Stringer bound, difference or direct estimator).
    Evaluate(EvaluateArgs),
}

#[derive(Args, Debug, Clone)]
pub struct PlanArgs {
    /// 신뢰수준 / Confidence level.
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// 중요성 기준 (모집단 대비 비율, 예: 0.05) / Materiality as a share of the population (e.g. 0.05).
    #[arg(long)]
    pub materiality: f64,
    /// 예상 오류: 1 미만이면 오류율, 1 이상이면 표본의 오류 수 / Expected errors: below 1 a rate, 1 or more a count in the sample.
    #[arg(long, default_value_t = 0.0)]
    pub expected: f64,
    /// 분포: poisson 또는 binomial (기본: 금액단위는 poisson, 항목은 binomial) / Likelihood: poisson or binomial (default: poisson for monetary units, binomial for items).
    #[arg(long, value_parser = Likelihood::from_arg)]
    pub likelihood: Option<Likelihood>,
}

#[derive(Args, Debug)]
pub struct SelectArgs {
    /// 원장 파일(들) 또는 폴더 / Ledger file(s) or a folder.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// 표본 통합문서 (기본: 입력 옆 *.sample.xlsx) / Sample workbook to write (default: INPUT.sample.xlsx beside it).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub plan: PlanArgs,
    /// 계획 대신 표본 크기 지정 / A sample size instead of the planned one.
    #[arg(long)]
    pub size: Option<u32>,
    /// 선정 방법: interval, cell, items / Selection: interval, cell or items.
    #[arg(long, value_parser = SelectionMethod::from_arg, default_value = "interval")]
    pub method: SelectionMethod,
    /// 표본 시드 (기본: 무작위, 표본 정보에 기록) / Seed of the draw (default: random, recorded in the workbook).
    #[arg(long)]
    pub sample_seed: Option<u64>,
    /// 읽을 시트 / Sheet to read.
    #[arg(long)]
    pub sheet: Option<String>,
    /// 열 지정 FIELD=HEADER / Map a field to a header.
    #[arg(long = "map", value_name = "FIELD=HEADER")]
    pub map: Vec<String>,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// 감사 금액을 채운 표본 통합문서 / The sample workbook with its audited values.
    pub sample: PathBuf,
    /// 추정 방법: stringer, difference, direct (기본: 금액단위는 stringer, 항목은 difference) / Estimator (default: stringer for monetary units, difference for items).
    #[arg(long, value_parser = Estimator::from_arg)]
    pub estimator: Option<Estimator>,
}

pub(super) fn run(command: SampleCommand, lang: Lang) -> Result<(), Error> {
    match command {
        SampleCommand::Plan(args) => {
            let plan = plan::plan(&args.params(SelectionMethod::Interval).check()?)?;
            println!("{}", plan.explain(lang));
            Ok(())
        }
        SampleCommand::Select(args) => select_sample(args, lang),
        SampleCommand::Evaluate(args) => evaluate_sample(args, lang),
    }
}

impl PlanArgs {
    /// The plan these arguments ask for, for a sample drawn by `method`
    /// (its likelihood unless one is named).
    fn params(&self, method: SelectionMethod) -> PlanParams {
        PlanParams {
            confidence: self.confidence,
            materiality: self.materiality,
            expected: self.expected,
            likelihood: self.likelihood.unwrap_or(method.likelihood()),
        }
    }
}

fn select_sample(args: SelectArgs, lang: Lang) -> Result<(), Error> {
    let config = args.model.load()?;
    // Planned before the ledger is read: a bad parameter should not cost
    // a scoring.
    let plan = plan::plan(&args.plan.params(args.method).check()?)?;
    let params = DrawParams {
        plan,
        size: args.size,
        method: args.method,
        seed: args
            .sample_seed
            .unwrap_or_else(|| u64::from(rand::random::<u32>())),
    };
    let output = chosen_output(
        args.output.as_deref(),
        &args.inputs,
        "sample",
        Text::new(
            "여러 파일에서 뽑을 때는 -o 로 표본 파일을 지정하세요",
            "drawing from several files: name the sample workbook with -o",
        ),
    )?;
    let options = IngestOptions {
        sheet: args.sheet.clone(),
        overrides: args
            .map
            .iter()
            .map(|m| ingest::parse_override(m))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let run = pipeline::run(
        Source::Paths(&args.inputs),
        &options,
        &config,
        None,
        &mut |_| Ok(()),
    )?;
    let scored = &run.scored;
    let ledger = &scored.ledger;
    // The population: every row the scoring left in the low band. The
    // flagged rows are the reviewers' already.
    let population: Vec<usize> = (0..scored.rows.len())
        .filter(|&i| scored.rows[i].band == Band::Low)
        .collect();
    let books: Vec<f64> = population
        .iter()
        .map(|&i| ledger.transactions[i].amount)
        .collect();
    let drawn = sampling::draw(&books, &params, |p| {
        let t = &ledger.transactions[population[p]];
        SampleRow {
            source_file: ledger
                .files
                .get(usize::from(t.file))
                .cloned()
                .unwrap_or_default(),
            source_row: t.sheet_row,
            date: t.date,
            department: ledger.departments.name(t.department).to_string(),
            account: ledger.accounts.name(t.account).to_string(),
            vendor: ledger.vendors.name(t.vendor).to_string(),
            description: t.description.to_string(),
            book: t.amount,
            hits: 0,
            key: t.key.clone(),
        }
    })?;
    let currency = scored.summary.currency;
    let parameters = Parameters::from_selection(
        &drawn.selection,
        params.plan.likelihood,
        args.plan.confidence,
        args.plan.materiality,
        currency,
        &ledger.files.join(", "),
    );
    let pending = Pending::beside(&output).map_err(cannot_write_to(&output))?;
    sheet::write(pending.path(), &parameters, &drawn.rows, lang)?;
    pending.commit(&output).map_err(cannot_write_to(&output))?;

    if args.size.is_none() {
        println!("{}", params.plan.explain(lang));
    }
    println!(
        "{}",
        drawn
            .selection
            .describe(scored.rows.len() - population.len(), currency)
            .get(lang)
    );
    println!("{} {}", pick(lang, "저장:", "wrote"), output.display());
    Ok(())
}

fn evaluate_sample(args: EvaluateArgs, lang: Lang) -> Result<(), Error> {
    let sample = sheet::read(&args.sample)?;
    let p = &sample.parameters;
    let estimator = args.estimator.unwrap_or(p.method.estimator());
    let evaluation = evaluate::evaluate(&sample.rows, &p.population(), estimator, p.likelihood)?;
    println!("{}", evaluation.conclusion_text(p.currency).get(lang));
    Ok(())
}
