import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCaseLine, runCase } from '../../src/eval/run-case.ts';
import { coachText, coachTurns, testEngine } from '../helpers/engine.ts';
import { nextStep } from '../../src/core/policy/next-step.ts';

/** The playbook's lines written for a situation (prompts/playbook, `situations`). */
const linesFor = (situation: string) =>
  new Set([...testEngine().content.playbook.values()].flatMap((s) => s.wordings.filter((w) => w.situations?.includes(situation as never)).map((w) => w.text)));
const SELF_HARM_LINES = linesFor('self_harm');
const DANGER_LINES = linesFor('danger');

/** A risk to the customer: care (never a boundary), the given step, only the situation's lines, and a ping. */
function expectCare(text: string, step: string, lines: ReadonlySet<string>) {
  const a = coachText(text);
  expect(a.flags, text).toContain('safety_risk');
  expect(a.emotion, text).not.toBe('hostile');
  expect(a.step, text).toBe(step);
  expect(a.say.length, text).toBeGreaterThanOrEqual(2);
  expect(a.say.every((w) => lines.has(w.text)), text).toBe(true);
  expect(a.escalate.notify, text).toBe(true);
  return a;
}

describe('reading the customer', () => {
  it('does not take negated anger at face value', () => {
    const a = coachText("I'm not angry, just really disappointed that it broke again.");
    expect(a.emotion).toBe('frustrated');
  });

  it("reads a curt rebuke of the agent's manner as heat, not calm", () => {
    for (const text of ["Don't patronise me.", 'Spare me the corporate apology.', "I've heard that before.", "Stop reading from your script, it's insulting."]) {
      expect(coachText(text).emotion, text).not.toBe('calm');
    }
    expect(coachText('Could you check the status of order 1182 please?').emotion).toBe('calm');
  });

  it('reads sarcasm as frustration, not satisfaction', () => {
    expect(coachText('Oh great, just great. Another two hours on hold.').emotion).toBe('frustrated');
    expect(coachText('Thanks for nothing.').emotion).not.toBe('calm');
    // Mock delight before the bad news: the pleasant word alone would read calm.
    expect(coachText('Oh super, the direct debit failed again and now there is a late fee.').emotion).toBe('frustrated');
    expect(coachText('Well isn\'t that convenient, the one day I am home the van does not come.').emotion).toBe('frustrated');
  });

  it('reads worry said as the body reacting, with no worry word, as anxious', () => {
    expect(coachText('My heart is racing, there is a payment I did not make on my statement.').emotion).toBe('anxious');
    expect(coachText('Please tell me the tickets haven\'t been cancelled, it is my son\'s birthday treat.').emotion).toBe('anxious');
    expect(coachText('Please tell me the opening times for the Leeds branch.').emotion).toBe('calm');
  });

  it('separates profanity about a thing from profanity at a person', () => {
    const thing = coachText('This damn app crashed again and lost my whole basket.');
    expect(thing.flags).not.toContain('abusive_language');
    expect(thing.emotion).not.toBe('hostile');
    const person = coachText("You're a f***ing idiot, just fix it.");
    expect(person.flags).toContain('abusive_language');
    expect(person.emotion).toBe('hostile');
  });

  it('finds an insult behind a degree word, and still not one aimed at a thing', () => {
    for (const text of ['you are absolutely useless', "honestly you're beyond useless", 'you lot are totally incompetent']) {
      expect(coachText(text).flags, text).toContain('abusive_language');
    }
    expect(coachText('i swear this app is absolutely useless').flags).not.toContain('abusive_language');
    expect(coachText("you're absolutely right, the app is useless").flags).not.toContain('abusive_language');
  });

  it('raises no flag on a polite question that only sounds like one, and still on the threat beside it', () => {
    const calm = [
      "I'm switching my electricity to you from Octopus, how long does it take?",
      'The review period for my contract ends in June, what are my options?',
      "I'm going to tell my friends how helpful you were.",
      "I'll post on the community forum if I find the answer, to help others.",
      "Could you put me through to billing? I think it's their department.",
      'Is there someone I can talk to about accessibility options?',
      'I need to speak to someone about my mortgage options.',
      'Can I speak to the same engineer who came last time? He was brilliant.',
      'We need it before the 5th if possible, but no huge rush.',
      "I don't want to make a fuss or post a bad review, I just want my money back.",
    ];
    for (const text of calm) expect(coachText(text).flags, text).toEqual([]);
    // "I'm just going to say it" opens what comes next; it is no leaving (the flag model, trained
    // on "I'm just going to go with Admiral", read it so in this message of the tuning set).
    const scared =
      "Hi, I'm just going to say it. I'm scared. My card was used in three countries overnight, £2,300 gone, and your fraud line put me on hold and then cut me off. Is my money gone? Do I need to go to the police? I don't know what to do. My rent comes out on the 1st.\n\nThe card ends 4471. I still have the card in my hand, so it wasn't stolen. I've frozen it in the app but I don't know if that's enough.";
    expect(coachText(scared).flags).not.toContain('threat_churn');
    expect(coachText("I'm switching my broadband to Virgin, you've lost a customer.").flags).toContain('threat_churn');
    expect(coachText("My contract ends in June and I won't be renewing.").flags).toContain('threat_churn');
    expect(coachText('Put me through to complaints, I am done being told it is in the queue.').flags).toContain('demands_manager');
    expect(coachText("I'm going to tell everyone on Facebook how useless you are.").flags).toContain('threat_public');
  });

  it('finds flags said in a new turn of phrase', () => {
    const said: [string, string][] = [
      ["Give me one good reason I shouldn't walk.", 'threat_churn'],
      ['After nine years, this is how you treat people? Say goodbye to my money.', 'threat_churn'],
      ["Keep it up and you'll be one customer lighter.", 'threat_churn'],
      ["I've got a quote from Direct Line sitting in my inbox.", 'threat_churn'],
      ["I'm documenting everything for when this goes further.", 'threat_legal'],
      ["I'll make sure anyone googling you finds my story first.", 'threat_public'],
      ['No offence but I need someone more experienced.', 'demands_manager'],
      ['How many more times do I have to ring you?', 'repeat_contact'],
      ['Your chat bot, then email, then phone. Nothing.', 'repeat_contact'],
      ['Baby formula is running out and the delivery is missing.', 'urgent'],
      ["We've got guests arriving on the 18th, can it come sooner?", 'urgent'],
      ["I'm this close to pulling the plug on my subscription.", 'threat_churn'],
      ["y'all just lost a loyal customer", 'threat_churn'],
      ["I'll be voting with my wallet.", 'threat_churn'],
      ['Please take this as my 30 days notice.', 'threat_churn'],
      ['I will be seeking compensation through the proper channels.', 'threat_legal'],
      ['Fair Trading will hear about this.', 'threat_legal'],
      ["Don't be surprised when this is on the six o'clock news.", 'threat_public'],
      ['Everyone at my church will know by Sunday.', 'threat_public'],
      ["I'm not dealing with a junior on this.", 'demands_manager'],
      ["I'm not safe in this house without heating, I'm 89.", 'safety_risk'],
      ["Your lot promised me a refund on Friday's call.", 'repeat_contact'],
      ['Time is really not on my side here.', 'urgent'],
      ["I've met more helpful brick walls than you.", 'abusive_language'],
      ["Didn't I already give you all of this yesterday?", 'repeat_contact'],
      ['I must have filled in that form a dozen times.', 'repeat_contact'],
      ['Plenty of other gyms in town.', 'threat_churn'],
      ["I'm going to shop around when the renewal comes.", 'threat_churn'],
      ['This needs to go above your head.', 'demands_manager'],
      ['The battery is swelling and smoking on my kitchen counter.', 'safety_risk'],
      ["My son needs his nebuliser and the power's been off since last night.", 'safety_risk'],
      ['Same script, different person.', 'repeat_contact'],
      ["I'm done with front-line staff.", 'demands_manager'],
      ['Who do I complain to about you?', 'demands_manager'],
      ["You've just made my decision easy.", 'threat_churn'],
      ['Then the world can hear about it.', 'threat_public'],
      ["I don't have days, I have hours.", 'urgent'],
      ["I'm cutting the cord, Comcast is history.", 'threat_churn'],
      ["I'm done giving you guys my money.", 'threat_churn'],
      ['Will be writing to the editor of the Times of India.', 'threat_public'],
      ["I've been calling y'all for two weeks straight.", 'repeat_contact'],
      ['My visa runs out next week and the documents are still with you.', 'urgent'],
      ['My little boy nearly swallowed one of the loose magnets from your toy.', 'safety_risk'],
      ['Sparks came out of the socket when the engineer left.', 'safety_risk'],
      ["I've got the legal cover on my home insurance and I'm using it.", 'threat_legal'],
      ['Put the grown-ups on, sweetie.', 'abusive_language'],
      ["I bet you can't even spell refund.", 'abusive_language'],
      ['Consider me an ex-customer.', 'threat_churn'],
      ["You've had my last penny.", 'threat_churn'],
      ['Kindly forward this to your superiors.', 'demands_manager'],
      ["My daughter's asthma is getting worse with this mould.", 'safety_risk'],
      ['Yet another chaser from me.', 'repeat_contact'],
      ["Don't think this won't end up online.", 'threat_public'],
      ['Do they give you a script for being this dense?', 'abusive_language'],
      ["The gate motor crushed my hand and it's still not fixed.", 'safety_risk'],
      ['Please arrange for the termination of my policy at once.', 'threat_churn'],
      ['It is with regret that I must end my membership.', 'threat_churn'],
      ['I reserve the right to take further action.', 'threat_legal'],
      ['Further to my telephone call of last Tuesday, nothing has happened.', 'repeat_contact'],
      ['My husband is bedbound and the hoist has been broken since Monday.', 'safety_risk'],
    ];
    for (const [text, flag] of said) expect(coachText(text).flags, text).toContain(flag);
    expect(coachText("I've got a quote from your sales team, can you explain it?").flags).not.toContain('threat_churn');
    expect(coachText('Do I have to ring you to cancel the add-on?').flags).not.toContain('repeat_contact');
    for (const text of [
      'I handed in my notice at work so I need to change my payment date.',
      'I pulled the plug out of the wall and it still beeps.',
      'I lost a good client because the courier was late, can you check the tracking?',
    ]) {
      expect(coachText(text).flags, text).not.toContain('threat_churn');
    }
    expect(coachText('Fair Trading will hear about this.').flags).not.toContain('threat_public');
    expect(coachText('I always shop around before buying, so could you match this price?').flags).not.toContain('threat_churn');
    expect(coachText('My laptop battery is only lasting an hour, can I get a replacement?').flags).not.toContain('safety_risk');
    expect(coachText("That made the decision easy, I'll take the premium plan with you.").flags).not.toContain('threat_churn');
    expect(coachText('Will the price go up when my contract ends?').flags).not.toContain('threat_churn');
    expect(coachText('The batteries ran out so I swapped them, it works now.').flags).not.toContain('safety_risk');
    expect(coachText("Is there a supervisor's email for compliments?").flags).not.toContain('demands_manager');
    expect(coachText('My idiot of a dog chewed the cable, can I get a new one?').flags).not.toContain('abusive_language');
    expect(coachText('Put the adult ticket on my account please.').flags).not.toContain('abusive_language');
    expect(coachText("I'm going live with my new shop next week, can the card reader arrive before?").flags).not.toContain('threat_public');
    expect(coachText('I cut my finger on the packaging, no harm done, but you might want to know.').flags).not.toContain('safety_risk');
    expect(coachText('We will take further action on the garden next spring, can you quote for fencing?').flags).not.toContain('threat_legal');
    expect(coachText('My passport expires next year, do I need to update my account?').flags).not.toContain('urgent');
    expect(coachText("I'm writing a complaint letter for my mum, what address should I use?").flags).not.toContain('safety_risk');
    expect(coachText("I've written letters for my kids, I can't do this anymore.").flags).toContain('safety_risk');
    // A review or a video read or watched is no threat; one the customer is about to post is.
    expect(coachText('I read the reviews online before buying and they said the battery was good.').flags).not.toContain('threat_public');
    expect(coachText("Don't be sorry, just read the reviews I'm about to leave everywhere.").flags).toContain('threat_public');
    expect(coachText("I'll be reporting it to the BBB and putting the video on youtube").flags).toContain('threat_public');
    // An agent's note: the agent's own escalation, and a customer asking how to praise someone.
    expect(coachText("i told him i'd escalate to my TL and he was fine with that").flags).not.toContain('demands_manager');
    expect(coachText('caller asked how to leave a review for the engineer, wants to praise him').flags).not.toContain('threat_public');
    expect(coachText("lady says she'll put it on the Nextdoor app for the whole estate").flags).toContain('threat_public');
  });

  it('reads an insult the customer was given by someone else, or aimed at a thing, as no abuse of the agent', () => {
    const told = 'The courier shouted at me through the window and then called me a stupid cow before driving off with my parcel.';
    expect(coachTurns([{ role: 'customer', text: told }]).flags).not.toContain('abusive_language');
    expect(coachText('he is calling me a stupid cow now and says he wants his money back, what do I do').flags).toContain('abusive_language');
    expect(coachText('This printer is a piece of crap, it jams on every single page.').flags).not.toContain('abusive_language');
    expect(coachText('Sorry, not you. The bot was useless, you have been great.').flags).not.toContain('abusive_language');
    // "ur" is "your" before a thing that does something, "you're" before what the agent is called.
    expect(coachText('why does ur bot keep saying sorry').flags).not.toContain('abusive_language');
    expect(coachText('ur useless, an actual bot').flags).toContain('abusive_language');
    expect(coachText('omg ur bot').flags).toContain('abusive_language');
    // A customer holding the agent to a name the agent gave them calls no one anything.
    expect(coachText('Are you calling me a liar? I sent the photos twice.').flags).not.toContain('abusive_language');
    expect(coachText('you called me a liar, you idiot').flags).toContain('abusive_language');
  });

  it('shows the words behind the emotion and the stage even where no lexicon entry names them', () => {
    // No lexicon cue reads frustration or an explanation here: the models decide, and their
    // strongest words are shown, so the agent never gets a bare label.
    const a = coachTurns([
      { role: 'customer', text: 'my internet keeps dropping every evening' },
      { role: 'agent', text: "I'm sorry about that, can you tell me when it started?" },
      { role: 'customer', text: 'about a week ago, always around 8pm. I work from home so I need this fixed' },
    ]);
    expect(a.cues.some((c) => c.signal === 'emotion' && c.label === a.emotion)).toBe(true);
    expect(a.cues.some((c) => c.signal === 'stage' && c.label === a.stage)).toBe(true);
    const dev = readFileSync(new URL('../../evals/dev/cases.jsonl', import.meta.url), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const bare: string[] = [];
    dev.forEach((line, i) => {
      const out = runCase(testEngine(), parseCaseLine(line, i + 1) as Parameters<typeof runCase>[1]);
      if (!('advice' in out)) return;
      const { emotion, stage, cues } = out.advice;
      if (emotion !== 'calm' && !cues.some((c) => c.signal === 'emotion' && c.label === emotion)) bare.push(`${out.id} ${emotion}`);
      if (!cues.some((c) => c.signal === 'stage' && c.label === stage)) bare.push(`${out.id} ${stage}`);
    });
    expect(bare).toEqual([]);
  });

  it('reads through common misspellings', () => {
    const legal = coachText('im contacting my laywer tomorow');
    expect(legal.flags).toContain('threat_legal');
    expect(legal.flags).toContain('urgent');
    expect(coachText('im canceling my acount').flags).toContain('threat_churn');
    expect(coachText('ill be leaving a bad reveiw on google').flags).toContain('threat_public');
  });

  it('finds a threat buried in the middle of a long paragraph', () => {
    const a = coachText(
      'I ordered the sofa in March and paid in full. The delivery window was missed twice. If this is not sorted by the end of the week I will be taking legal action, and I have kept every email. The sofa was meant to be for my daughter moving in.',
    );
    expect(a.flags).toContain('threat_legal');
    expect(a.escalate.notify).toBe(true);
  });

  it('reads capitals and exclamation marks as intensity', () => {
    const mild = coachText('This is annoying, the app logged me out again.');
    const loud = coachText('This is RIDICULOUS!!! The app LOGGED ME OUT AGAIN!!!');
    expect(loud.intensity).toBeGreaterThan(mild.intensity + 0.15);
  });

  it('copes with typos and non-native phrasing', () => {
    const a = coachText('Please help me, my account is block and I need send money today. I am very worry.');
    expect(a.emotion).toBe('anxious');
    expect(a.flags).toContain('urgent');
  });

  it('does not flag a lawyer friend, a manager who needs an invoice, or a call to my own bank', () => {
    expect(coachText('My lawyer friend said the contract looks fine, I just need the invoice resent.').flags).not.toContain('threat_legal');
    expect(coachText('My manager needs the invoice for the audit, could you resend it?').flags).not.toContain('demands_manager');
  });

  it('shows the customer phrases that led to the reading', () => {
    const a = coachText('This is the third time I have called. Unacceptable. I want a supervisor.');
    const texts = a.cues.map((c) => c.text.toLowerCase());
    expect(texts.some((t) => t.includes('third time'))).toBe(true);
    expect(texts.some((t) => t.includes('supervisor'))).toBe(true);
    expect(a.flags).toEqual(expect.arrayContaining(['repeat_contact', 'demands_manager']));
  });
});

describe('reading the whole case', () => {
  it('shows a rising trend with its history', () => {
    const a = coachTurns([
      { role: 'customer', text: 'My parcel is late.' },
      { role: 'agent', text: 'Parcels can take a while, please be patient.' },
      { role: 'customer', text: 'This is RIDICULOUS. I want my money back NOW!!' },
    ]);
    expect(a.trend.direction).toBe('rising');
    expect(a.trend.history).toHaveLength(2);
    expect(a.trend.history[1]!.intensity).toBeGreaterThan(a.trend.history[0]!.intensity);
  });

  it('sees a proposal being objected to as negotiating, and agreement as accepting', () => {
    const objecting = coachTurns([
      { role: 'customer', text: 'My order came without the main course.' },
      { role: 'agent', text: "So sorry! I've added a $5 credit to your account." },
      { role: 'customer', text: "$5? The burger alone was $16. A credit isn't really a fix." },
    ]);
    expect(objecting.stage).toBe('negotiating');
    expect(objecting.step).toBe('resolve');
    const agreeing = coachTurns([
      { role: 'customer', text: 'The screen cracked after a week.' },
      { role: 'agent', text: 'I can replace it for free under warranty; it takes 5 working days.' },
      { role: 'customer', text: "Sounds good, let's do it." },
    ]);
    expect(agreeing.stage).toBe('accepting');
    expect(agreeing.step).toBe('confirm');
  });

  it('reads a negated agreement as no agreement', () => {
    const offer = (reply: string) =>
      coachTurns([
        { role: 'customer', text: 'The delivery was a day late and the box was crushed.' },
        { role: 'agent', text: 'I can refund the delivery fee for you.' },
        { role: 'customer', text: reply },
      ]);
    const refused = offer("That's not good enough.");
    expect(refused.stage).toBe('negotiating');
    expect(refused.cues.some((c) => c.signal === 'stage' && c.label === 'accepting')).toBe(false);
    expect(coachText('That is not good enough.').stage).not.toBe('accepting');
    expect(offer("That's good enough, thanks.").stage).toBe('accepting');
  });

  it('moves from boundary to handoff when abuse continues after a boundary, and pings', () => {
    const first = coachText("Customer: you're a useless idiot");
    expect(first.step).toBe('boundary');
    expect(first.escalate.notify).toBe(false);
    const again = coachTurns([
      { role: 'customer', text: "you're a useless idiot" },
      { role: 'agent', text: "I want to help, but I can't continue if the insults keep coming." },
      { role: 'customer', text: 'shut up you moron' },
    ]);
    expect(again.step).toBe('handoff');
    expect(again.escalate.reasons.map((r) => r.id)).toContain('abuse_after_boundary');
    expect(again.selfCare).toBeTruthy();
  });

  it('meets words of despair with care and a threat to others with a boundary, and pings for both', () => {
    // None of these names harming oneself outright; the lexicon marks them as a risk to the customer.
    for (const text of [
      "They took the last of my money for the arrears. I've written letters for the kids, just in case.",
      'It does not matter now. Nothing I do makes any difference. I might as well give up on all of it.',
      "Lately I've been thinking my kids would be better off with my policy than with me.",
    ]) {
      // The lines written for someone in despair, all of them.
      expectCare(text, 'empathize', SELF_HARM_LINES);
    }
    const after = coachTurns([
      { role: 'customer', text: "I've written letters for the kids, just in case." },
      { role: 'agent', text: "I'm really glad you told me. That sounds incredibly hard, and I'm taking it seriously." },
      { role: 'customer', text: 'Nothing I do makes any difference anyway.' },
    ]);
    expect(after.step).toBe('handoff');
    const threat = coachText("If my car isn't back by 5 I'm coming down there and someone's getting hurt.");
    expect(threat.flags).toContain('safety_risk');
    expect(threat.emotion).toBe('hostile');
    expect(threat.step).toBe('boundary');
    expect(threat.escalate.notify).toBe(true);
    // Violence planned against someone is a threat to others, never read as a danger the
    // customer is in: no "get somewhere safe" lines for it.
    for (const text of ["You broke my late wife's piano. If I see that driver again I'll break his hands.", 'I hope your office burns down with all of you in it.']) {
      const a = coachText(text);
      expect(a.flags, text).toContain('safety_risk');
      expect(a.step, text).toBe('boundary');
      for (const w of a.say) expect(DANGER_LINES.has(w.text) || SELF_HARM_LINES.has(w.text), w.text).toBe(false);
    }
  });

  it('meets a danger where the customer is with safety first and the fastest fix, in words for a danger', () => {
    for (const text of [
      "There's a smell of gas near the meter cupboard in our building. Who am I supposed to call?",
      'powers been off since 6am and my insulin is in the fridge, im type 1. when is it coming back on??',
      'The heater you sold is giving burning smell and black smoke, my baby is sleeping in same room. What I should do??',
    ]) {
      expect(expectCare(text, 'resolve', DANGER_LINES).why, text).not.toMatch(/harm themselves/);
    }
    // With a fix already arranged and the danger still there, the people who can act are brought in.
    const after = coachTurns([
      { role: 'customer', text: "There's a smell of gas near the meter cupboard in our building. Who am I supposed to call?" },
      { role: 'agent', text: "Please leave the building now. I've booked an emergency engineer, who will be with you within the hour." },
      { role: 'customer', text: "We're outside but the smell of gas is getting stronger and the engineer isn't here." },
    ]);
    expect(after.flags).toContain('safety_risk');
    expect(after.step).toBe('handoff');
    expect(after.say.every((w) => DANGER_LINES.has(w.text))).toBe(true);
  });

  it('reads "go kill yourself" aimed at the agent as abuse, not as a customer at risk', () => {
    for (const text of ['go kill yourself, you useless clown', "caller has just told me to 'go kill myself' because the engineer is late"]) {
      const a = coachText(text);
      expect(a.flags, text).toContain('abusive_language');
      expect(a.flags, text).not.toContain('safety_risk');
      expect(a.step, text).toBe('boundary');
    }
    expect(coachText("honestly some days I want to kill myself, I can't cope with these bills").flags).toContain('safety_risk');
  });

  it('keeps the words for despair and danger to those situations', () => {
    // An anxious customer asking for a manager gets a handoff, not lines meant for a crisis.
    const a = coachText("I'm really worried, my pension payment hasn't arrived and I don't know how I'll pay rent. Can I please speak to a manager?");
    expect(a.emotion).toBe('anxious');
    expect(a.step).toBe('handoff');
    expect(a.say.length).toBeGreaterThanOrEqual(2);
    for (const w of a.say) expect(SELF_HARM_LINES.has(w.text) || DANGER_LINES.has(w.text), w.text).toBe(false);
  });

  it('sets a boundary for a hostile customer even when no abuse cue named it', () => {
    // The policy rule itself: a reading of hostility with no abuse flag (the model's, or the LLM's).
    const r = testEngine().offline.read([{ role: 'customer', text: 'Every last one of you in that office should be ashamed.' }]);
    expect(nextStep({ ...r, emotion: 'hostile', flags: [] }).step).toBe('boundary');
    expect(nextStep({ ...r, emotion: 'hostile', flags: [], stepsTaken: ['boundary'] }).step).toBe('handoff');
  });

  it('answers an angry threat with a remedy and a plain anger with an apology', () => {
    // The policy rule itself, on one reading: angry and asking, nothing done yet by the agent.
    const r = testEngine().offline.read([{ role: 'customer', text: 'Where is my refund? I was told five days and it has been three weeks.' }]);
    const asking = { ...r, emotion: 'angry' as const, stage: 'seeking' as const, stepsTaken: [] };
    expect(nextStep({ ...asking, flags: [] }).step).toBe('apologize');
    expect(nextStep({ ...asking, flags: ['repeat_contact'] }).step).toBe('apologize');
    for (const threat of ['threat_churn', 'threat_legal', 'threat_public'] as const) {
      expect(nextStep({ ...asking, flags: [threat] }).step, threat).toBe('resolve');
    }
    // Once the agent has apologised, the remedy follows either way.
    expect(nextStep({ ...asking, flags: [], stepsTaken: ['apologize'] }).step).toBe('resolve');
    // The whole engine, and the first line it offers opens with regret.
    const a = coachText("This is the third time the order hasn't come. Refund me today or I'm closing my account and going to Amazon!");
    expect(a.emotion).toBe('angry');
    expect(a.flags).toContain('threat_churn');
    expect(a.step).toBe('resolve');
    expect(a.say[0]!.text).toMatch(/^I'm sorry/);
  });

  it('reads insults masked down to their first letter as the words they hide', () => {
    for (const text of ['What a bunch of c***s. Every last one of you in that office.', 'You absolute b******s, all of you.', 'Listen here you t**t.']) {
      const a = coachText(text);
      expect(a.flags, text).toContain('abusive_language');
      expect(a.step, text).toBe('boundary');
    }
  });

  it('reads a time the agent offered and the customer repeats as agreement, not a deadline', () => {
    const agreed = coachTurns([
      { role: 'customer', text: 'The blender arrived cracked.' },
      { role: 'agent', text: 'I can send a replacement that arrives by Friday, or refund you now.' },
      { role: 'customer', text: 'The replacement by Friday please, that is fine.' },
    ]);
    expect(agreed.flags).not.toContain('urgent');
    const deadline = coachTurns([
      { role: 'customer', text: 'The blender arrived cracked.' },
      { role: 'agent', text: 'I can send a replacement, or refund you now.' },
      { role: 'customer', text: 'I need the replacement by Friday, it is for a party.' },
    ]);
    expect(deadline.flags).toContain('urgent');
  });

  it('reads no deadline in a message that says there is no hurry, unless a "but" brings one back', () => {
    const past = coachText("The parcel was for my daughter's birthday on the 12th, but that's been and gone, so no rush at all. Is it lost?");
    expect(past.flags).not.toContain('urgent');
    expect(past.cues.filter((c) => c.label === 'urgent')).toEqual([]);
    const still = coachText('No panic, but my visa appointment is tomorrow at 9am and the letter is still not in my portal.');
    expect(still.flags).toContain('urgent');
  });

  it("reads the agent's own manager, in a turn the agent reports, as a demand for a manager, and the customer's own as none", () => {
    for (const text of ['customer is demanding to speak to my manager', 'cust says she wants to talk to my manager right now', 'caller keeps asking for my manager']) {
      const told = coachText(text);
      expect(told.flags, text).toContain('demands_manager');
      expect(told.step, text).toBe('handoff');
    }
    for (const text of ['Can you send the invoice? My manager needs a copy for the audit.', 'I need to speak to my manager before I agree to this.']) {
      expect(coachText(text).flags, text).not.toContain('demands_manager');
    }
  });

  it('reads a quote and the note the agent adds about the same moment as one: flags, hostility and the safety step from either', () => {
    const threat = coachText("> I know which branch you work at. I'll be waiting outside when you finish tonight\nhe's the guy whose loan got declined, I'm a bit rattled");
    expect(threat.flags).toContain('safety_risk');
    expect(threat.emotion).toBe('hostile');
    expect(threat.step).toBe('boundary');
    expect(threat.escalate.notify).toBe(true);
    // One moment, one point: no "falling" from the quote to the agent's own words.
    expect(threat.trend.direction).toBeNull();
    // The longest of the overlapping phrases stands for them.
    const shown = threat.cues.filter((c) => c.label === 'safety_risk').map((c) => c.text);
    expect(shown).toContain("I'll be waiting outside when you finish");
    expect(shown).not.toContain('waiting outside when you finish');
    const churn = coachText("> honestly if it's not fixed by the weekend I'm taking my business to BT\nhe's the one whose line keeps dropping, he's been really patient with me till now");
    expect(churn.flags).toContain('threat_churn');
  });

  it('reads no repeat contact when the customer says the earlier contact was about another matter, unless a "but" brings it back', () => {
    const other = coachText("I rang last week about my new address and that's done, thanks. Different question today: what is the £4.99 charge on my bill?");
    expect(other.flags).not.toContain('repeat_contact');
    const before = coachText('I rang last week about the £4.99 charge on my bill and nothing happened. What is it?');
    expect(before.flags).toContain('repeat_contact');
    const again = coachText("Different question, but I've rung three times about this charge already and nobody explains it. What is it?");
    expect(again.flags).toContain('repeat_contact');
  });

  it('reads booking codes and flight numbers in capitals as references, not as shouting', () => {
    const coded = coachText('My booking ref is QZ7K2P and the flight is LX 1612, can you add a wheelchair to it?');
    const lower = coachText('My booking ref is qz7k2p and the flight is lx 1612, can you add a wheelchair to it?');
    expect(coded.emotion).toBe(lower.emotion);
    expect(coded.intensity).toBe(lower.intensity);
    // Short capitals before a short number are still a raised voice.
    expect(coachText('I CALLED YOU 5 TIMES about this').intensity).toBeGreaterThan(coachText('I called you 5 times about this').intensity);
  });

  it('reads no deadline in a date a calm customer tells, or in the time of a threat, but does when a calm customer asks by a date', () => {
    const told = coachText("Hi, I'm travelling with a folding wheelchair on flight LX 1612 on 4 Aug. The wheelchair isn't on my booking yet. Booking ref QZ7K2P.");
    expect(told.emotion).toBe('calm');
    expect(told.flags).not.toContain('urgent');
    expect(told.cues.filter((c) => c.label === 'urgent')).toEqual([]);
    const asked = coachText('Hello, could you please send the signed contract by Friday? Our lawyers need it for the closing.');
    expect(asked.emotion).toBe('calm');
    expect(asked.flags).toContain('urgent');
    const threat = coachText("You're a f***ing parasite, all of you. I'll be at your office at 9 tomorrow and we'll see how brave you are face to face.");
    expect(threat.emotion).toBe('hostile');
    expect(threat.flags).toContain('safety_risk');
    expect(threat.flags).not.toContain('urgent');
  });

  it('weighs a named day as a deadline when it presses, shows the day as the reason, and lists each cue once', () => {
    const job = coachText('I start my new job Monday and I still have no phone, please help');
    expect(job.flags).toContain('urgent');
    expect(job.cues.filter((c) => c.label === 'urgent').map((c) => c.text)).toEqual(['Monday']);
    const story = coachText("I got a letter on Monday saying the account was closed and I don't understand why.");
    expect(story.flags).not.toContain('urgent');
    expect(story.cues.filter((c) => c.label === 'urgent')).toEqual([]);
    const party = coachText('Can you make sure it arrives by tomorrow? The party is tomorrow night.');
    expect(party.flags).toContain('urgent');
    const spans = party.cues.map((c) => `${c.label}@${c.start}-${c.end}`);
    expect(new Set(spans).size).toBe(spans.length);
  });

  it('does not ping a supervisor for a merely frustrated customer', () => {
    const a = coachText('Ugh, still not working. This is the second time this week.');
    expect(a.emotion).toBe('frustrated');
    expect(a.escalate.notify).toBe(false);
  });
});

describe('an agent-reported calm-down', () => {
  it('reads the latest turn one notch calmer, shows the fall, and says why', () => {
    const before = coachTurns([{ role: 'customer', text: 'This is UNACCEPTABLE, you people charged me twice and nobody answers!!' }]);
    const after = testEngine().offline.analyseSync(
      [
        { role: 'customer', text: 'This is UNACCEPTABLE, you people charged me twice and nobody answers!!' },
        { role: 'note', text: 'The agent reports that the customer has calmed down.', signal: 'calmed' },
      ],
      { shownWordings: new Set() },
    );
    expect(before.emotion).toBe('angry');
    expect(after.emotion).toBe('frustrated');
    expect(after.intensity).toBeLessThan(before.intensity);
    expect(after.trend.direction).toBe('falling');
    expect(after.notices.join(' ')).toMatch(/calmed down/);
    // A later customer turn is read on its own words again.
    const later = testEngine().offline.analyseSync(
      [
        { role: 'customer', text: 'This is UNACCEPTABLE!!' },
        { role: 'note', text: 'calmed', signal: 'calmed' },
        { role: 'customer', text: 'ACTUALLY NO. I WANT MY MONEY BACK NOW!!' },
      ],
      { shownWordings: new Set() },
    );
    expect(later.notices.join(' ')).not.toMatch(/calmed down/);
    expect(later.emotion).toBe('angry');
  });
});
