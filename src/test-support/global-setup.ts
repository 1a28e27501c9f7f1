/** Runs once before the suite: nothing yet beyond checking the environment the suite targets. */
export default function setup(): void {
  const target = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  process.stdout.write(`Callport tests on ${target}, Node ${process.version}\n`);
}
